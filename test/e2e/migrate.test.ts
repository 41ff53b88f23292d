/**
 * `sso-agent migrate` on a realistic AWS CLI config (sessions, a default, a legacy profile, a
 * chained profile, comments): the diff, then --write, after which `aws --profile prod-admin`,
 * AWS_PROFILE=prod-admin (boto3) and `sso-agent exec prod-admin` all sign as that role, and the
 * AWS CLI's own chaining from it works; a second run changes nothing; a file the AWS CLI could
 * not parse is refused with its line.
 */
import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { MAIN, isolatedWorld, loginPkce, run, runCli, spawnAgent } from '../support/e2e-harness.js';

const em = await startEmulator({ autoApprove: true, accounts: 2, rolesPerAccount: 2 });
t.teardown(() => em.close());
const world = isolatedWorld(em.url);
const configFile = world.env.AWS_CONFIG_FILE as string;
const sessionSection = `[sso-session corp]\nsso_start_url = ${em.startUrl}\nsso_region = ${em.region}\nsso_registration_scopes = sso:account:access\n`;
writeFileSync(configFile, sessionSection);
const agent = await spawnAgent(world);
t.teardown(() => agent.stop());
const login = await loginPkce(world, ['--session', 'corp']);
if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
const roles = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];
const [admin, dev, reader] = roles as [CatalogRole, CatalogRole, CatalogRole];

const original = `# written by \`aws configure sso\`, then by hand
[default]
sso_session = corp
sso_account_id = ${reader.accountId}
sso_role_name = ${reader.roleName}
region = ${em.region}
output = json

${sessionSection}
# production: be careful
[profile prod-admin]
sso_session = corp
sso_account_id = ${admin.accountId}
sso_role_name = ${admin.roleName}
region = ${em.region}

[profile legacy-dev]
; from before sso-session sections existed
sso_start_url = ${em.startUrl}
sso_region = ${em.region}
sso_account_id = ${dev.accountId}
sso_role_name = ${dev.roleName}

[profile org-admin]
role_arn = arn:aws:iam::${admin.accountId}:role/OrganizationAccountAccessRole
source_profile = prod-admin
`;
writeFileSync(configFile, original);
// As an agent started with this file would have read it (sync re-reads the config).
const synced = await runCli(world, ['sync']);
if (synced.code !== 0) throw new Error(`sync failed: ${synced.stderr}`);
// Profiles without a region line of their own (legacy-dev, org-admin) take this one.
world.env.AWS_REGION = em.region;
world.env.AWS_DEFAULT_REGION = em.region;

const arnOf = (r: CatalogRole) => new RegExp(`^arn:aws:sts::${r.accountId}:assumed-role/AWSReservedSSO_${r.roleName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_`);
const awsArgs = ['sts', 'get-caller-identity', '--endpoint-url', em.url, '--query', 'Arn', '--output', 'text'];

t.test('the dry run shows the in-place change and writes nothing', async (t) => {
  const r = await runCli(world, ['migrate']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, `-sso_session = corp\n-sso_account_id = ${admin.accountId}\n-sso_role_name = ${admin.roleName}\n+credential_process = `);
  t.match(r.stdout, new RegExp(`\\+credential_process = .* credential-process ${admin.accountId}:${admin.roleName}\\n region = `));
  t.match(r.stderr, /dry run: 3 profiles \(default, prod-admin, legacy-dev\)/);
  t.equal(readFileSync(configFile, 'utf8'), original);
});

t.test('--write: names, places, comments and other keys kept; every way of naming the profile signs as its role', async (t) => {
  const r = await runCli(world, ['migrate', '--write']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, `the previous version is ${configFile}.bak`);
  t.equal(readFileSync(`${configFile}.bak`, 'utf8'), original, 'the backup holds the file as it was');
  const text = readFileSync(configFile, 'utf8');
  t.notMatch(text, /sso_account_id|sso_role_name|sso_session = /, 'no profile uses the AWS CLI\'s SSO any more');
  t.match(text, /^# production: be careful\n\[profile prod-admin\]\ncredential_process = .*\nregion = /m);
  t.match(text, /^\[profile legacy-dev\]\n; from before sso-session sections existed\ncredential_process = /m);
  t.match(text, /^\[default\]\ncredential_process = .*\nregion = .*\noutput = json$/m);
  t.match(text, sessionSection, '[sso-session] stays');
  t.match(text, /\[profile org-admin\]\nrole_arn = .*\nsource_profile = prod-admin\n$/, 'the chained profile is untouched');

  const viaProfile = await run('aws', ['--profile', 'prod-admin', ...awsArgs], world.env);
  t.equal(viaProfile.code, 0, viaProfile.stderr);
  t.match(viaProfile.stdout.trim(), arnOf(admin), 'aws --profile prod-admin');
  const boto = await run('python3', ['-c', `import boto3,sys; print(boto3.client('sts', endpoint_url=sys.argv[1]).get_caller_identity()['Arn'])`, em.url], { ...world.env, AWS_PROFILE: 'legacy-dev' });
  t.equal(boto.code, 0, boto.stderr);
  t.match(boto.stdout.trim(), arnOf(dev), 'AWS_PROFILE=legacy-dev with boto3');
  const asDefault = await run('aws', awsArgs, world.env);
  t.match(asDefault.stdout.trim(), arnOf(reader), 'the default profile');
  const viaExec = await run(process.execPath, [MAIN, 'exec', 'prod-admin', '--', 'aws', ...awsArgs], world.env);
  t.equal(viaExec.code, 0, viaExec.stderr);
  t.match(viaExec.stdout.trim(), arnOf(admin), 'sso-agent exec prod-admin');
  const chained = await run('aws', ['--profile', 'org-admin', ...awsArgs], { ...world.env, AWS_ENDPOINT_URL_STS: em.url });
  t.equal(chained.code, 0, chained.stderr);
  t.match(chained.stdout.trim(), new RegExp(`^arn:aws:sts::${admin.accountId}:assumed-role/OrganizationAccountAccessRole/`), 'the AWS CLI chains from the migrated profile');
});

t.test('a second run changes nothing', async (t) => {
  const before = readFileSync(configFile, 'utf8');
  const r = await runCli(world, ['migrate', '--write']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /no AWS CLI SSO profile left to migrate/);
  t.equal(readFileSync(configFile, 'utf8'), before);
});

t.test('a file the AWS CLI could not parse is refused with the line to fix', async (t) => {
  const broken = `${world.home}/broken-config`;
  writeFileSync(broken, '[profile a]\nregion = eu-west-1\n\n[profile a]\nsso_session = corp\n');
  const r = await runCli(world, ['migrate', '--write', '--config-file', broken]);
  t.equal(r.code, 1);
  t.match(r.stderr, /line 4: `\[profile a\]` repeats the section already started on line 1/);
  t.notOk(existsSync(`${broken}.bak`), 'nothing written');
});
