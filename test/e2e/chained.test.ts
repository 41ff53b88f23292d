/**
 * Chained roles end to end: the agent as a real process reads `[profile]` sections with role_arn +
 * source_profile from the AWS config, calls the emulator's STS AssumeRole (AWS_ENDPOINT_URL_STS)
 * and serves the result to botocore through the container endpoint and to the AWS CLI v1 through
 * credential_process; the AWS CLI's own chaining from a `config --write` profile works beside it.
 * Every client signs GetCallerIdentity, and the emulator answers with the assumed role's ARN.
 */
import t from 'tap';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { MAIN, isolatedWorld, loginPkce, profileEnv, run, runCli, spawnAgent } from '../support/e2e-harness.js';
import { agentGet } from '../support/agent-get.js';

const em = await startEmulator({ autoApprove: true, accounts: 3, rolesPerAccount: 1 });
t.teardown(() => em.close());
const world = isolatedWorld(em.url);
world.env.AWS_ENDPOINT_URL_STS = em.url;
const configFile = world.env.AWS_CONFIG_FILE!;
const agent = await spawnAgent(world);
t.teardown(() => agent.stop());

const ROLE = 'OrganizationAccountAccessRole';
let src: CatalogRole;
let spoke: string;
let far: string;

t.test('log in, then add chained profiles to the AWS config and `sync`', async (t) => {
  const login = await loginPkce(world, ['--session', 'e2e', '--start-url', em.startUrl, '--region', em.region]);
  t.equal(login.code, 0, login.stderr);
  const roles = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];
  src = roles[0]!;
  [spoke, far] = [roles[1]!.accountId, roles[2]!.accountId];
  appendFileSync(configFile, [
    `[profile spoke]\nrole_arn = arn:aws:iam::${spoke}:role/${ROLE}\nsource_profile = ${src.profile}\nrole_session_name = e2e-user\n`,
    `[profile far]\nrole_arn = arn:aws:iam::${far}:role/${ROLE}\nsource_profile = spoke\n`,
    `[profile denied]\nrole_arn = arn:aws:iam::999999999999:role/${ROLE}\nsource_profile = ${src.profile}\n`,
    `[profile loop-a]\nrole_arn = arn:aws:iam::${spoke}:role/${ROLE}\nsource_profile = loop-b\n`,
    `[profile loop-b]\nrole_arn = arn:aws:iam::${spoke}:role/${ROLE}\nsource_profile = loop-a\n`,
  ].join(''));
  t.equal((await runCli(world, ['sync'])).code, 0);

  const ls = await runCli(world, ['ls']);
  t.match(ls.stdout, new RegExp(`^spoke\\s+e2e\\s+${spoke}\\s+.*\\s${ROLE} \\(chained from ${src.profile}\\)$`, 'm'), 'the table marks it');
  const rows = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];
  t.match(rows.find((r) => r.profile === 'far'), { chained: true, source: 'spoke', accountId: far, roleName: ROLE, roleArn: `arn:aws:iam::${far}:role/${ROLE}` });
  t.notOk(rows.some((r) => r.profile.startsWith('loop-')), 'a loop is not listed');
});

const BOTOCORE = `
import json, sys, botocore.session
s = botocore.session.Session()
creds = s.get_credentials()
r = s.create_client('sts', region_name=sys.argv[2], endpoint_url=sys.argv[1]).get_caller_identity()
print(json.dumps({'method': creds.method, 'arn': r['Arn']}))
`;

t.test('botocore through the container endpoint signs as the assumed role, one and two hops away', async (t) => {
  for (const [profile, arn] of [
    ['spoke', `arn:aws:sts::${spoke}:assumed-role/${ROLE}/e2e-user`],
    ['far', new RegExp(`^arn:aws:sts::${far}:assumed-role/${ROLE}/sso-agent-\\d+$`)],
  ] as const) {
    const vars = await profileEnv(world, profile);
    t.equal(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, `http://127.0.0.1:${agent.port}/v1/credentials/${profile}`);
    const r = await run('python3', ['-c', BOTOCORE, em.url, em.region], { ...world.env, ...vars, AWS_DEFAULT_REGION: em.region });
    t.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    t.equal(out.method, 'container-role');
    t.match(out.arn, arn, `${profile}: ${out.arn}`);
  }
});

let processKey = '';

t.test('the AWS CLI v1 through credential_process signs as the assumed role', async (t) => {
  const config = join(world.home, 'home/.aws/config-process');
  writeFileSync(config, `[profile via-agent]\ncredential_process = "${process.execPath}" "${MAIN}" credential-process spoke\nregion = ${em.region}\n`);
  const r = await run('aws', ['sts', 'get-caller-identity', '--profile', 'via-agent', '--endpoint-url', em.url, '--output', 'json'], { ...world.env, AWS_CONFIG_FILE: config });
  t.equal(r.code, 0, r.stderr);
  t.equal(JSON.parse(r.stdout).Arn, `arn:aws:sts::${spoke}:assumed-role/${ROLE}/e2e-user`);
  processKey = JSON.parse((await runCli(world, ['credential-process', 'spoke'])).stdout).AccessKeyId;
  t.match(processKey, /^ASIA/);
});

t.test('the AWS CLI\'s own chaining from a `config --write` profile still works, and the agent serves that profile too', async (t) => {
  const written = await runCli(world, ['config', '--write']);
  t.equal(written.code, 0, written.stderr);
  t.notMatch(written.stderr, /skipped/, 'chained profiles are not written again (they are sections of the file already)');
  t.match(readFileSync(configFile, 'utf8'), new RegExp(`\\[profile ${src.profile}\\]\\ncredential_process = `));
  appendFileSync(configFile, `[profile cli-chain]\nrole_arn = arn:aws:iam::${far}:role/${ROLE}\nsource_profile = ${src.profile}\nregion = ${em.region}\n`);
  const r = await run('aws', ['sts', 'get-caller-identity', '--profile', 'cli-chain', '--endpoint-url', em.url, '--output', 'json'], world.env);
  t.equal(r.code, 0, r.stderr);
  t.match(JSON.parse(r.stdout).Arn, new RegExp(`^arn:aws:sts::${far}:assumed-role/${ROLE}/botocore-session-\\d+$`), 'the CLI assumed the role itself, through the agent\'s credential_process');

  t.equal((await runCli(world, ['sync'])).code, 0);
  const rows = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];
  t.match(rows.find((r) => r.profile === 'cli-chain'), { chained: true, source: src.profile, accountId: far }, 'its source is the written profile, which stands for the agent role');
  const vars = await profileEnv(world, 'cli-chain');
  const b = await run('python3', ['-c', BOTOCORE, em.url, em.region], { ...world.env, ...vars, AWS_DEFAULT_REGION: em.region });
  t.equal(b.code, 0, b.stderr);
  t.match(JSON.parse(b.stdout).arn, new RegExp(`^arn:aws:sts::${far}:assumed-role/${ROLE}/sso-agent-\\d+$`));
});

t.test('refusals reach the person: AccessDenied with AWS\'s words, a loop with its profiles', async (t) => {
  const denied = await runCli(world, ['credential-process', 'denied']);
  t.equal(denied.code, 1);
  t.match(denied.stderr, /AccessDenied: User: arn:aws:sts::\d+:assumed-role\/AWSReservedSSO_\S+ is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::999999999999:role\/OrganizationAccountAccessRole/);
  t.match(denied.stderr, /fix role_arn or source_profile of \[profile denied\]/);

  const vars = await profileEnv(world, 'denied');
  const res = await agentGet(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, { authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN });
  t.equal(res.status, 403, 'the container route answers 403');
  t.match(res.json(), { Code: 'AssumeRoleDenied', Message: /not authorized to perform: sts:AssumeRole/ });

  const loop = await runCli(world, ['env', 'loop-a']);
  t.equal(loop.code, 1);
  t.match(loop.stderr, /chained profile loop-a cannot be served: source_profile loop loop-a → loop-b → loop-a/);
});

t.test('a re-login and a sync leave the chained credentials alone', async (t) => {
  const again = await loginPkce(world, ['--session', 'e2e']);
  t.equal(again.code, 0, again.stderr);
  t.equal((await runCli(world, ['sync', '--session', 'e2e'])).code, 0);
  const after = JSON.parse((await runCli(world, ['credential-process', 'spoke'])).stdout).AccessKeyId;
  t.equal(after, processKey, 'the same AssumeRole credentials are served');
});
