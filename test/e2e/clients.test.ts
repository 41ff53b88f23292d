/**
 * End to end with clients nobody here wrote: the emulator, the agent as a real process, a PKCE
 * login through `sso-agent login`, then botocore, the AWS CLI v1 and the JS SDK v3 fetch
 * credentials from the agent and sign STS GetCallerIdentity, which the emulator verifies against
 * the secret it issued. The ARN must name the right account and role.
 */
import t from 'tap';
import type tap from 'tap';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { fromContainerMetadata, fromHttp, fromNodeProviderChain, fromProcess } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { agentGet } from '../support/agent-get.js';
import { MAIN, isolatedWorld, loginPkce, profileEnv, run, runCli, spawnAgent } from '../support/e2e-harness.js';

const em = await startEmulator({ autoApprove: true, accounts: 2, rolesPerAccount: 2 });
t.teardown(() => em.close());
const world = isolatedWorld(em.url);
const agent = await spawnAgent(world);
t.teardown(() => agent.stop());

let a: CatalogRole;
let b: CatalogRole;

t.test('PKCE login through `sso-agent login`, the test playing the browser', async (t) => {
  const login = await loginPkce(world, ['--session', 'e2e', '--start-url', em.startUrl, '--region', em.region]);
  t.equal(login.code, 0, `login: ${login.stderr}`);
  t.equal(login.callbackStatus, 200, 'the callback page says the login worked');
  t.match(login.callbackBody, /close this tab/);
  t.match(login.stdout, /^Logged in to session e2e: 2 accounts, 4 roles\.$/m);

  const ls = await runCli(world, ['ls', '--json']);
  t.equal(ls.code, 0, `ls: ${ls.stderr}`);
  const roles = JSON.parse(ls.stdout) as CatalogRole[];
  t.equal(roles.length, 4);
  // Two different roles: one for the container route, one for credential_process, so a mix-up shows.
  [a, b] = [roles[0] as CatalogRole, roles[3] as CatalogRole];
  t.not(a.accountId, b.accountId);
});

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function expectArn(t: Pick<typeof tap, 'match'>, arn: unknown, role: CatalogRole, via: string): void {
  t.match(String(arn), new RegExp(`^arn:aws:sts::${role.accountId}:assumed-role/AWSReservedSSO_${escapeRe(role.roleName)}_[0-9a-f]+/`), `${via}: the ARN names ${role.accountId} / ${role.roleName}`);
}

/** The container variables exactly as `sso-agent env` prints them, and nothing else that could give credentials. */
async function containerEnv(role: CatalogRole): Promise<NodeJS.ProcessEnv> {
  const printed = await runCli(world, ['env', role.profile, '--format', 'json']);
  t.equal(printed.code, 0, printed.stderr);
  const vars = JSON.parse(printed.stdout) as Record<string, string>;
  t.equal(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, `http://127.0.0.1:${agent.port}/v1/credentials/${role.profile}`);
  return { ...world.env, ...vars, AWS_DEFAULT_REGION: em.region };
}

const BOTOCORE = `
import json, sys, botocore.session
s = botocore.session.Session()
creds = s.get_credentials()
sts = s.create_client('sts', region_name=sys.argv[2], endpoint_url=sys.argv[1])
r = sts.get_caller_identity()
print(json.dumps({'method': creds.method, 'arn': r['Arn'], 'account': r['Account']}))
`;

t.test('botocore: its own provider chain finds the container endpoint', async (t) => {
  const r = await run('python3', ['-c', BOTOCORE, em.url, em.region], await containerEnv(a));
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.equal(out.method, 'container-role', 'botocore used the container provider');
  t.equal(out.account, a.accountId);
  expectArn(t, out.arn, a, 'botocore');
});

t.test('botocore with another profile\'s token is refused', async (t) => {
  const env = await containerEnv(a);
  env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = (await profileEnv(world, b.profile)).AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  const r = await run('python3', ['-c', BOTOCORE, em.url, em.region], env);
  t.not(r.code, 0);
  t.match(r.stderr, /403|AccessDenied/);
});

t.test('aws CLI v1: container credentials, via `sso-agent exec` and via the env lines', async (t) => {
  const args = ['sts', 'get-caller-identity', '--endpoint-url', em.url, '--region', em.region, '--output', 'json'];
  let r = await run('aws', args, await containerEnv(a));
  t.equal(r.code, 0, r.stderr);
  expectArn(t, JSON.parse(r.stdout).Arn, a, 'aws (container env)');

  // exec clears AWS_PROFILE, which would otherwise win (botocore even fails on a missing profile).
  r = await run(process.execPath, [MAIN, 'exec', b.profile, '--', 'aws', ...args], { ...world.env, AWS_PROFILE: 'does-not-exist' });
  t.equal(r.code, 0, r.stderr);
  expectArn(t, JSON.parse(r.stdout).Arn, b, 'sso-agent exec aws');
});

t.test('aws CLI v1: a credential_process profile', async (t) => {
  const config = join(world.home, 'home/.aws/config-process');
  writeFileSync(config, `[profile via-process]\ncredential_process = "${process.execPath}" "${MAIN}" credential-process ${b.accountId}:${b.roleName}\nregion = ${em.region}\n`);
  const r = await run('aws', ['sts', 'get-caller-identity', '--profile', 'via-process', '--endpoint-url', em.url, '--output', 'json'], { ...world.env, AWS_CONFIG_FILE: config });
  t.equal(r.code, 0, r.stderr);
  expectArn(t, JSON.parse(r.stdout).Arn, b, 'aws credential_process');

  writeFileSync(config, `[profile broken]\ncredential_process = "${process.execPath}" "${MAIN}" credential-process no-such-profile\n`);
  const bad = await run('aws', ['sts', 'get-caller-identity', '--profile', 'broken', '--endpoint-url', em.url, '--region', em.region], { ...world.env, AWS_CONFIG_FILE: config });
  t.not(bad.code, 0);
  t.match(bad.stderr, /no profile named "no-such-profile": list them with `sso-agent ls`/, 'the SDK shows our one-line stderr');
});

/** Runs `fn` with process.env replaced (the JS providers read it), then restores it. */
async function withEnv<T>(env: NodeJS.ProcessEnv, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

async function callerArn(credentials: AwsCredentialIdentityProvider): Promise<string> {
  const sts = new STSClient({ region: em.region, endpoint: em.url, credentials, maxAttempts: 1 });
  const out = await sts.send(new GetCallerIdentityCommand({}));
  sts.destroy();
  return out.Arn ?? '';
}

t.test('JS SDK v3 providers sign an STS call the emulator accepts', async (t) => {
  const envA = await containerEnv(a);
  await withEnv(envA, async () => {
    expectArn(t, await callerArn(fromHttp({})), a, 'fromHttp');
    expectArn(t, await callerArn(fromNodeProviderChain()), a, 'default chain (fromNodeProviderChain)');
    const sts = new STSClient({ region: em.region, endpoint: em.url, maxAttempts: 1 });
    const out = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expectArn(t, out.Arn, a, 'STSClient with no credentials option (the default chain)');
    const creds = await fromHttp({})();
    t.ok(creds.expiration instanceof Date && creds.expiration.getTime() > Date.now() + 15 * 60_000, 'more than 15 min left, past every SDK refresh window');
  });

  // fromContainerMetadata (@smithy/credential-provider-imds) reads the token variable only: after
  // `env --file-only` it sends no header, and the agent's 401 names the fix.
  const fileOnly: NodeJS.ProcessEnv = { ...envA };
  delete fileOnly.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  await withEnv(fileOnly, async () => {
    const err = await fromContainerMetadata({ maxRetries: 0 })().then(() => undefined, (e: unknown) => e as Error);
    t.ok(err, 'fromContainerMetadata without the token variable fails');
  });
  const noToken = await agentGet(envA.AWS_CONTAINER_CREDENTIALS_FULL_URI as string);
  t.equal(noToken.status, 401);
  t.match(noToken.json(), { Code: 'MissingAuthorization', Message: /AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE.*eval "\$\(sso-agent env .*\)"/ });
  const withToken: NodeJS.ProcessEnv = { ...envA, AWS_CONTAINER_AUTHORIZATION_TOKEN: (await profileEnv(world, a.profile)).AWS_CONTAINER_AUTHORIZATION_TOKEN };
  delete withToken.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  await withEnv(withToken, async () => {
    expectArn(t, await callerArn(fromContainerMetadata({ maxRetries: 0 })), a, 'fromContainerMetadata (with the token variable env prints by default)');
  });

  const config = join(world.home, 'home/.aws/config-js');
  // The ARN as the IAM console shows it (the hex suffix is the role's own; any matches the permission set).
  const realArn = `arn:aws:iam::${b.accountId}:role/aws-reserved/sso.amazonaws.com/us-east-1/AWSReservedSSO_${b.roleName}_2f24367c24ca1a37`;
  writeFileSync(config, `[profile js-process]\ncredential_process = "${process.execPath}" "${MAIN}" credential-process ${realArn}\n`);
  await withEnv({ ...world.env, AWS_CONFIG_FILE: config }, async () => {
    expectArn(t, await callerArn(fromProcess({ profile: 'js-process' })), b, 'fromProcess (role ARN as PROFILE)');
  });

  const wrongFile = join(world.home, 'wrong-token');
  writeFileSync(wrongFile, 'wrong', { mode: 0o600 });
  await withEnv({ ...envA, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: wrongFile }, async () => {
    const err = await fromHttp({ maxRetries: 0 })().then(() => undefined, (e: unknown) => e as { message: string; Code?: string });
    t.ok(err, 'fromHttp fails with a wrong token');
    t.equal(err?.Code, 'AccessDenied', 'and shows our Code');
  });
});

t.test('the agent refuses a web page and a rebinding attack on the real socket', async (t) => {
  const vars = await profileEnv(world, a.profile);
  let res = await agentGet(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, { authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN, origin: 'https://evil.example' });
  t.equal(res.status, 403);
  res = await agentGet(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, { authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN }, 'POST');
  t.equal(res.status, 405);
  // node:http, not fetch: fetch does not let a caller set Host.
  const rebind = await new Promise<number | undefined>((resolve, reject) => {
    request(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, { headers: { host: 'attacker.example', authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN } }, (r) => {
      r.resume();
      resolve(r.statusCode);
    }).on('error', reject).end();
  });
  t.equal(rebind, 403, 'a foreign Host header is refused');
});

t.test('after logout, SDKs show the fix: log in again', async (t) => {
  const env = await containerEnv(a);
  const out = await runCli(world, ['logout', '--session', 'e2e']);
  t.equal(out.code, 0, out.stderr);
  const r = await run('python3', ['-c', BOTOCORE, em.url, em.region], env);
  t.not(r.code, 0);
  t.match(r.stderr, /409/);
  t.match(r.stderr, /sso-agent login --session e2e/, 'botocore shows our message with the command to run');
  await withEnv(env, async () => {
    const err = await fromHttp({ maxRetries: 0 })().then(() => undefined, (e: unknown) => e as { Code?: string; Message?: string });
    t.equal(err?.Code, 'LoginRequired');
    t.match(err?.Message, /sso-agent login --session e2e/);
  });
  const cp = await runCli(world, ['credential-process', a.profile]);
  t.equal(cp.code, 1);
  t.match(cp.stderr, /sso-agent login --session e2e/);
});
