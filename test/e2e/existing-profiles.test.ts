/**
 * The person's own profile names, as the AWS CLI's SSO wrote them, are names of the agent's roles:
 * a native sso_session profile, the legacy sso_start_url form, a credential_process running
 * `sso-agent credential-process`, and a [default]. `ls` lists them; `exec`, `env` (and the TCP
 * route it points at), `credential-process`, `console` and completion take them; a real client
 * (the AWS CLI v1, the JS SDK v3) signs as the role. A profile whose role the agent does not list
 * says which session to sync; a typo gets a "did you mean".
 */
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole, SessionStatus } from '../../src/core/types.js';
import { agentGet } from '../support/agent-get.js';
import { MAIN, isolatedWorld, loginPkce, run, runCli, spawnAgent } from '../support/e2e-harness.js';

const em = await startEmulator({ autoApprove: true, accounts: 2, rolesPerAccount: 2 });
t.teardown(() => em.close());
const world = isolatedWorld(em.url);
world.env.SSO_AGENT_FEDERATION_URL = `${em.url}/federation`;
const configFile = world.env.AWS_CONFIG_FILE as string;
// First the session alone, to learn the emulator's roles; then the person's profiles around it.
writeFileSync(configFile, `[sso-session corp]\nsso_start_url = ${em.startUrl}\nsso_region = ${em.region}\nsso_registration_scopes = sso:account:access\n`);
const agent = await spawnAgent(world);
t.teardown(() => agent.stop());
const login = await loginPkce(world, ['--session', 'corp']);
if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
const roles = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];
const [native, legacy, viaProcess, asDefault] = roles as [CatalogRole, CatalogRole, CatalogRole, CatalogRole];

const awsConfig = `# my AWS CLI setup
[default]
sso_session = corp
sso_account_id = ${asDefault.accountId}
sso_role_name = ${asDefault.roleName}
region = ${em.region}

[profile prod-admin]
sso_session = corp
sso_account_id = ${native.accountId}
sso_role_name = ${native.roleName}
region = ${em.region}

[profile old-style]
sso_start_url = ${em.startUrl}/
sso_region = ${em.region}
sso_account_id = ${legacy.accountId}
sso_role_name = ${legacy.roleName}

[profile via-process]
credential_process = "${process.execPath}" "${MAIN}" credential-process ${viaProcess.profile}

[profile gone]
sso_session = corp
sso_account_id = 999999999999
sso_role_name = Vanished

[profile elsewhere]
sso_start_url = https://d-0000000000.awsapps.com/start
sso_region = eu-west-1
sso_account_id = 111111111111
sso_role_name = Admin

[sso-session corp]
sso_start_url = ${em.startUrl}
sso_region = ${em.region}
sso_registration_scopes = sso:account:access
`;
writeFileSync(configFile, awsConfig);
const sync = await runCli(world, ['sync']);
if (sync.code !== 0) throw new Error(`sync failed: ${sync.stderr}`);

const arnOf = (r: CatalogRole) => new RegExp(`^arn:aws:sts::${r.accountId}:assumed-role/AWSReservedSSO_${r.roleName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_`);

t.test('ls lists the person\'s names beside the agent\'s, and completion offers them', async (t) => {
  const names = await runCli(world, ['ls', '--names']);
  t.equal(names.code, 0, names.stderr);
  const listed = names.stdout.trim().split('\n');
  for (const n of ['default', 'prod-admin', 'old-style', 'via-process', native.profile]) t.ok(listed.includes(n), `ls --names has ${n}`);
  t.notOk(listed.includes('gone'), 'a profile whose role is not listed is not offered');
  const json = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];
  t.match(json.find((r) => r.profile === 'prod-admin'), { accountId: native.accountId, roleName: native.roleName, session: 'corp', aliasOf: native.profile });
  t.match(json.find((r) => r.profile === 'old-style'), { accountId: legacy.accountId, session: 'corp', aliasOf: legacy.profile }, 'the legacy start URL is the corp session\'s (trailing slash and all)');
  const table = await runCli(world, ['ls', 'prod-admin']);
  t.match(table.stdout, new RegExp(`prod-admin .*\\(your profile; = ${native.profile}\\)`));
  const complete = await runCli(world, ['__complete', 'profiles']);
  t.match(complete.stdout, /^prod-admin$/m);
});

t.test('exec and credential-process sign as the named role (AWS CLI v1, JS SDK v3)', async (t) => {
  for (const [name, role] of [['prod-admin', native], ['old-style', legacy], ['via-process', viaProcess], ['default', asDefault]] as const) {
    const r = await run(process.execPath, [MAIN, 'exec', name, '--', 'aws', 'sts', 'get-caller-identity', '--endpoint-url', em.url, '--query', 'Arn', '--output', 'text'], world.env);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout.trim(), arnOf(role), `exec ${name} signs as ${role.accountId}/${role.roleName}`);
  }
  const cp = await runCli(world, ['credential-process', 'old-style']);
  t.equal(cp.code, 0, cp.stderr);
  const keys = JSON.parse(cp.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
  const sts = new STSClient({ region: em.region, endpoint: em.url, credentials: { accessKeyId: keys.AccessKeyId, secretAccessKey: keys.SecretAccessKey, sessionToken: keys.SessionToken } });
  t.match((await sts.send(new GetCallerIdentityCommand({}))).Arn, arnOf(legacy), 'credential-process old-style gives the legacy profile\'s role');
  sts.destroy();
});

t.test('env points the TCP route at the person\'s name, and console takes it', async (t) => {
  const vars = JSON.parse((await runCli(world, ['env', 'prod-admin', '--format', 'json'])).stdout) as Record<string, string>;
  t.match(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, /\/v1\/credentials\/prod-admin$/);
  t.equal(vars.SSO_AGENT_PROFILE, 'prod-admin');
  const res = await agentGet(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI as string, { authorization: readFileSync(vars.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE as string, 'utf8') });
  t.equal(res.status, 200);
  t.equal((res.json() as { AccountId: string }).AccountId, native.accountId);
  const c = await runCli(world, ['console', 'prod-admin', '--print']);
  t.equal(c.code, 0, c.stderr);
  t.match(c.stdout, /^http:\/\/127\.0\.0\.1:\d+\/federation\?Action=login/);
});

t.test('a profile whose role the agent does not list names the session to sync; typos get a suggestion', async (t) => {
  const gone = await runCli(world, ['exec', 'gone', '--', 'true']);
  t.equal(gone.code, 1);
  t.match(gone.stderr, /\[profile gone\] in .* names 999999999999:Vanished, which SSO session corp does not list .*sso-agent sync --session corp/);
  const typo = await runCli(world, ['credential-process', 'prod-admn']);
  t.equal(typo.code, 1);
  t.match(typo.stderr, /no profile named "prod-admn" \(did you mean prod-admin\?\)/);
});

t.test('a legacy start URL that no session has becomes a session', async (t) => {
  const status = JSON.parse((await runCli(world, ['status', '--json'])).stdout) as { sessions: SessionStatus[] };
  t.match(status.sessions.find((s) => s.startUrl === 'https://d-0000000000.awsapps.com/start'), { name: 'd-0000000000', region: 'eu-west-1', state: 'not-logged-in' });
  const r = await runCli(world, ['exec', 'elsewhere', '--', 'true']);
  t.equal(r.code, 1);
  t.match(r.stderr, /sso-agent (sync|login) --session d-0000000000/);
});

t.test('config --write writes no second name for a role the person already has a profile for', async (t) => {
  const w = await runCli(world, ['config', '--write']);
  t.equal(w.code, 0, w.stderr);
  t.notMatch(w.stderr, /warning/, 'no warning about a name clash');
  const text = readFileSync(configFile, 'utf8');
  for (const r of [native, legacy, viaProcess, asDefault]) t.notMatch(text, new RegExp(`^\\[profile ${r.profile}\\]$`, 'm'), `no [profile ${r.profile}]: the person has one for that role`);
  t.ok(text.startsWith(awsConfig), 'the person\'s sections are kept as they were');
});

t.test('the config is read as botocore reads it, and what it cannot read is reported with the line', async (t) => {
  writeFileSync(configFile, `${awsConfig}
[profile  spaced ]
sso_session = corp
sso_account_id = ${native.accountId}
sso_role_name = ${native.roleName}

[profile signed-in]
login_session = arn:aws:iam::${native.accountId}:user/someone

[sso-session half]
sso_start_url = https://d-3333333333.awsapps.com/start
`);
  const sync = await runCli(world, ['sync']);
  t.equal(sync.code, 0, sync.stderr);
  const names = (await runCli(world, ['ls', '--names'])).stdout.trim().split('\n');
  t.ok(names.includes('spaced'), '[profile  spaced ] is profile spaced, as the AWS CLI reads it');
  t.notOk(names.includes('signed-in'), 'a login_session profile is left alone');
  const status = await runCli(world, ['status']);
  t.match(status.stdout, /problem: \[sso-session half\] in .* lacks sso_region/, 'an incomplete session shows in status with what is missing');

  writeFileSync(configFile, `${awsConfig}\n[profile prod-admin]\nregion = eu-west-1\n`);
  const dup = await runCli(world, ['sync']);
  t.equal(dup.code, 1, 'sync fails on a file every aws command fails on');
  t.match(dup.stderr, /line \d+: `\[profile prod-admin\]` repeats the section already started on line 8/);
  const again = await runCli(world, ['status']);
  t.match(again.stdout, /problem: .*repeats the section already started on line 8 .*\(every `aws` command fails on this file until it is fixed\)/);
  t.equal((await runCli(world, ['credential-process', 'old-style'])).code, 0, 'the agent keeps serving meanwhile');
  const exec = await runCli(world, ['exec', 'old-style', '--', 'true']);
  t.equal(exec.code, 1, 'exec refuses: SDKs would misread the file, so it cannot vouch for the role that signs');
  t.match(exec.stderr, /line \d+: `\[profile prod-admin\]` repeats the section/);
  writeFileSync(configFile, awsConfig);
  t.equal((await runCli(world, ['sync'])).code, 0, 'fixed: sync succeeds again');
});
