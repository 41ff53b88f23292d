/**
 * `sso-agent exec PROFILE` and `sso-agent env PROFILE` sign as PROFILE whatever else the person has
 * configured: a [default] (or the profile AWS_PROFILE / AWS_DEFAULT_PROFILE names) with keys,
 * credential_process, sso_session, login_session or role_arn, in the config or the credentials
 * file, or keys in the environment. Every SDK checks those before the container endpoint, so each
 * set-up is run through five real clients (boto3, the AWS CLI v1 and v2, the JS SDK v3, the Go SDK
 * v2), and the account and role that signed (the emulator's GetCallerIdentity) must be PROFILE's.
 * One emulator, one agent and one Go build serve every case.
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { MAIN, isolatedWorld, loginPkce, run, runCli, spawnAgent } from '../support/e2e-harness.js';
import { accountAndRole, buildGoCaller, signers, whoSigned } from '../support/signers.js';

// Nine set-ups × five clients, each a real process start (the Python CLIs dominate): more than
// tap's default per-file limit on a busy machine.
t.setTimeout(300_000);

const em = await startEmulator({ autoApprove: true, accounts: 2, rolesPerAccount: 2 });
t.teardown(() => em.close());
const world = isolatedWorld(em.url);
const agent = await spawnAgent(world);
t.teardown(() => agent.stop());
const go = buildGoCaller();
if ('cleanup' in go) t.teardown(go.cleanup);
const { list: clients, missing } = signers('path' in go ? go.path : undefined);
if ('missing' in go) missing.push(go.missing);

const login = await loginPkce(world, ['--session', 'work', '--start-url', em.startUrl, '--region', em.region]);
if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
const roles = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];
// The role asked for, and another role of another account that the set-ups make the SDK's default.
const wanted = roles[0] as CatalogRole;
const other = roles.find((r) => r.accountId !== wanted.accountId) as CatalogRole;
const otherKeys = JSON.parse((await runCli(world, ['credential-process', other.profile])).stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
const keyLines = `aws_access_key_id = ${otherKeys.AccessKeyId}\naws_secret_access_key = ${otherKeys.SecretAccessKey}\naws_session_token = ${otherKeys.SessionToken}\n`;
const wantedName = `${wanted.accountId}/${wanted.roleName}`;

interface SetUp { name: string; config?: string; credentials?: string; env?: NodeJS.ProcessEnv; defaultPaths?: boolean }
const sessionSection = `[sso-session corp]\nsso_start_url = ${em.startUrl}\nsso_region = ${em.region}\nsso_registration_scopes = sso:account:access\n`;
const SETUPS: SetUp[] = [
  { name: '[default] keys in the credentials file', credentials: `[default]\n${keyLines}` },
  { name: '[default] keys in the config file (default paths, no AWS_CONFIG_FILE)', config: `[default]\nregion = ${em.region}\n${keyLines}`, defaultPaths: true },
  { name: '[default] credential_process (another role of the agent)', config: `[default]\ncredential_process = "${process.execPath}" "${MAIN}" credential-process ${other.profile}\n` },
  { name: '[default] sso_session (as `aws configure sso` writes it)', config: `[default]\nsso_session = corp\nsso_account_id = ${other.accountId}\nsso_role_name = ${other.roleName}\nregion = ${em.region}\n\n${sessionSection}` },
  { name: '[default] login_session (as `aws login` writes it)', config: `[default]\nlogin_session = arn:aws:iam::${other.accountId}:user/someone\nregion = ${em.region}\n` },
  { name: '[default] role_arn + source_profile', config: `[default]\nrole_arn = arn:aws:iam::${other.accountId}:role/OrganizationAccountAccessRole\nsource_profile = keys\n`, credentials: `[keys]\n${keyLines}` },
  { name: 'AWS_PROFILE names a keys profile', credentials: `[keys]\n${keyLines}`, env: { AWS_PROFILE: 'keys' } },
  { name: 'AWS_DEFAULT_PROFILE names a credential_process profile', config: `[profile proc]\ncredential_process = "${process.execPath}" "${MAIN}" credential-process ${other.profile}\n`, env: { AWS_DEFAULT_PROFILE: 'proc' } },
  { name: 'AWS_ACCESS_KEY_ID/... in the environment', env: { AWS_ACCESS_KEY_ID: otherKeys.AccessKeyId, AWS_SECRET_ACCESS_KEY: otherKeys.SecretAccessKey, AWS_SESSION_TOKEN: otherKeys.SessionToken } },
];

// A client missing here is reported as skipped, never as passed.
for (const m of missing) t.test(`with ${m}`, { skip: `not installed: ${m}` }, () => {});

let n = 0;
/** A home of its own for the set-up, its files written, and the environment a person's shell would have. */
function prepare(s: SetUp): { env: NodeJS.ProcessEnv; files: string[] } {
  const home = join(world.home, `setup-${n++}`);
  mkdirSync(join(home, '.aws'), { recursive: true });
  const config = join(home, '.aws', 'config');
  const credentials = join(home, '.aws', 'credentials');
  writeFileSync(config, s.config ?? '');
  writeFileSync(credentials, s.credentials ?? '');
  const env: NodeJS.ProcessEnv = {
    ...world.env, HOME: home, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials,
    AWS_REGION: em.region, AWS_ENDPOINT_URL_STS: em.url,
    // Anything that would still try real AWS (an older client's own AssumeRole) fails at once, here.
    HTTPS_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1',
    ...s.env,
  };
  if (s.defaultPaths) { delete env.AWS_CONFIG_FILE; delete env.AWS_SHARED_CREDENTIALS_FILE; }
  return { env, files: [config, credentials] };
}

const digest = (files: string[]) => files.map((f) => createHash('sha256').update(readFileSync(f)).digest('hex'));

/**
 * The environment `sso-agent exec` gives its command, captured once per set-up (`exec P -- env -0`);
 * the clients then run in exactly that environment, in parallel, without an exec each.
 */
async function execEnv(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const r = await run(process.execPath, [MAIN, 'exec', wanted.profile, '--', 'env', '-0'], env);
  if (r.code !== 0) throw new Error(`exec failed: ${r.stderr}`);
  return Object.fromEntries(r.stdout.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

for (const s of SETUPS) {
  t.test(s.name, async (t) => {
    const { env, files } = prepare(s);
    const before = digest(files);
    const child = await execEnv(env);
    const results = await Promise.all(clients.map((c) => whoSigned(c, em.url, child)));
    for (const r of results) {
      t.comment(`${r.signer}: ${r.arn ? accountAndRole(r.arn) : r.error}`);
      t.equal(r.arn && accountAndRole(r.arn), wantedName, `${r.signer} signed as ${wanted.profile} (${r.run.stderr.trim().slice(0, 300)})`);
    }
    t.same(digest(files), before, 'the person\'s files are untouched');
  });
}

t.test('env: the same through the printed lines, and --unset puts the shell back', { skip: clients.some((c) => c.name === 'aws-v1') ? false : 'the AWS CLI v1 is not installed' }, async (t) => {
  const { env, files } = prepare({ name: 'shell', credentials: `[default]\n${keyLines}[keys]\n${keyLines}`, config: `[profile mine]\nregion = ${em.region}\n`, env: { AWS_PROFILE: 'mine' } });
  const script = [
    `eval "$("${process.execPath}" "${MAIN}" env ${wanted.profile})"`,
    `echo "config=$AWS_CONFIG_FILE"`,
    `echo "credentials=$AWS_SHARED_CREDENTIALS_FILE"`,
    `aws sts get-caller-identity --endpoint-url "${em.url}" --query Arn --output text`,
    `eval "$("${process.execPath}" "${MAIN}" env --unset)"`,
    `echo "after=$AWS_PROFILE|$AWS_CONFIG_FILE|\${AWS_CONTAINER_CREDENTIALS_FULL_URI-unset}|\${SSO_AGENT_PROFILE-unset}"`,
  ].join('\n');
  const r = await run('bash', ['-c', script], env);
  t.equal(r.code, 0, r.stderr);
  const arn = /arn:aws:sts::\S+/.exec(r.stdout)?.[0] ?? '';
  t.equal(accountAndRole(arn), wantedName, 'the shell signs as the requested role');
  t.match(r.stdout, new RegExp(`^config=${env.AWS_CONFIG_FILE}$`, 'm'), 'a config without default credentials is read as it is');
  const derived = /^credentials=(.*)$/m.exec(r.stdout)?.[1] ?? '';
  t.ok(derived.startsWith(join(world.env.XDG_RUNTIME_DIR as string, 'sso-agent')), `the SDKs read a copy of the credentials file in the private runtime dir: ${derived}`);
  t.equal(statSync(derived).mode & 0o777, 0o600, 'readable by the owner only');
  t.match(readFileSync(derived, 'utf8'), /^\[default\]\n\[keys\]\naws_access_key_id = /, 'the default profile\'s keys are gone, other profiles kept');
  t.match(r.stdout, new RegExp(`^after=mine\\|${env.AWS_CONFIG_FILE}\\|unset\\|unset$`, 'm'), 'AWS_PROFILE and AWS_CONFIG_FILE are back, the agent\'s variables gone');
  t.equal(readFileSync(files[1] as string, 'utf8'), `[default]\n${keyLines}[keys]\n${keyLines}`, 'the credentials file is untouched');
});

t.test('what the agent cannot override is refused, naming it and the fix', async (t) => {
  const { env } = prepare({ name: 'boto', credentials: '' });
  writeFileSync(join(env.HOME as string, '.boto'), `[Credentials]\naws_access_key_id = ${otherKeys.AccessKeyId}\naws_secret_access_key = x\n`);
  const r = await run(process.execPath, [MAIN, 'exec', wanted.profile, '--', 'true'], env);
  t.equal(r.code, 1);
  t.match(r.stderr, /\.boto.*aws_access_key_id/);
  const e = await run(process.execPath, [MAIN, 'env', wanted.profile], env);
  t.equal(e.code, 1);
  t.equal(e.stdout, '', 'nothing to eval');
});
