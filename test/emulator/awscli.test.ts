// The AWS CLI v1 (botocore underneath, nobody here wrote it) against `sso-agent emulator` run as a
// real process from dist/ (`npm test` builds first): register, device flow, paginated listing,
// role credentials, STS with those credentials, and an error as the CLI reports it.
import t from 'tap';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { MAIN as main, run, type CliRun } from '../support/e2e-harness.js';
import { tempDir } from '../support/temp-dirs.js';

if (!existsSync(main)) {
  t.fail('dist/cli/main.js is missing: run `npm run build` (npm test does it first)');
  process.exit();
}

const home = tempDir(join(tmpdir(), 'emu-cli-'));
// CLI v1 would otherwise fetch any http(s):// argument (like --start-url) and pass its body instead.
writeFileSync(join(home, 'config'), '[default]\ncli_follow_urlparam = false\n');
writeFileSync(join(home, 'credentials'), '');
const baseEnv: NodeJS.ProcessEnv = {};
for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) baseEnv[k] = v;
Object.assign(baseEnv, {
  HOME: home,
  AWS_CONFIG_FILE: join(home, 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_MAX_ATTEMPTS: '1',
  AWS_PAGER: '',
});

const emu: ChildProcessWithoutNullStreams = spawn(process.execPath, [main, 'emulator', '--accounts', '5', '--roles-per-account', '2'], {
  env: baseEnv,
});
const exited = new Promise<number | null>((r) => emu.on('exit', (code) => r(code)));
let stderr = '';
emu.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
const first = await new Promise<string>((resolve, reject) => {
  const rl = createInterface({ input: emu.stdout });
  rl.once('line', resolve);
  emu.once('exit', () => reject(new Error(`emulator exited before it was ready: ${stderr}`)));
});
const ready = JSON.parse(first) as { url: string; startUrl: string; region: string };
t.teardown(async () => {
  if (emu.exitCode === null) emu.kill('SIGTERM');
  await exited;
});

function aws(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return run('aws', [...args, `--endpoint-url=${ready.url}`, '--output', 'json'], { ...baseEnv, ...env });
}

async function awsJson(args: string[], env?: NodeJS.ProcessEnv): Promise<any> {
  const r = await aws(args, env);
  if (r.code !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

t.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'the ready line names a loopback url');
t.equal(ready.region, 'us-east-1');
t.match(ready.startUrl, /^https:\/\/d-\d{10}\.awsapps\.com\/start$/);

t.test('aws sso-oidc + aws sso + aws sts against the emulator process', async (t) => {
  const reg = await awsJson(['sso-oidc', 'register-client', '--client-name', 'aws-cli-v1', '--client-type', 'public']);
  t.type(reg.clientId, 'string');
  t.type(reg.clientSecretExpiresAt, 'number');
  const dev = await awsJson([
    'sso-oidc', 'start-device-authorization',
    `--client-id=${reg.clientId}`, `--client-secret=${reg.clientSecret}`, `--start-url=${ready.startUrl}`,
  ]);
  t.match(dev.userCode, /^[A-Z]{4}-[A-Z]{4}$/);
  const tokenArgs = [
    'sso-oidc', 'create-token', `--client-id=${reg.clientId}`, `--client-secret=${reg.clientSecret}`,
    '--grant-type', 'urn:ietf:params:oauth:grant-type:device_code', `--device-code=${dev.deviceCode}`,
  ];
  const pending = await aws(tokenArgs);
  t.not(pending.code, 0);
  t.match(pending.stderr, /AuthorizationPendingException/, 'the CLI names the modelled error');
  const approved = await fetch(`${ready.url}/_emulator/approve`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userCode: dev.userCode }),
  });
  t.equal(approved.status, 200);
  const tok = await awsJson(tokenArgs);
  t.type(tok.accessToken, 'string');
  t.equal(tok.expiresIn, 28800);

  await fetch(`${ready.url}/_emulator/stats/reset`, { method: 'POST' });
  const accounts = await awsJson(['sso', 'list-accounts', `--access-token=${tok.accessToken}`, '--page-size', '2']);
  t.equal(accounts.accountList.length, 5, 'the CLI paginated through all 5 accounts');
  const stats = (await (await fetch(`${ready.url}/_emulator/stats`)).json()) as { calls: Record<string, number> };
  t.equal(stats.calls.ListAccounts, 3, 'in 3 pages of at most 2');

  const acct = accounts.accountList[1];
  const roles = await awsJson(['sso', 'list-account-roles', `--access-token=${tok.accessToken}`, `--account-id=${acct.accountId}`]);
  t.equal(roles.roleList.length, 2);
  const roleName = roles.roleList[1].roleName as string;
  const creds = await awsJson([
    'sso', 'get-role-credentials', `--access-token=${tok.accessToken}`, `--account-id=${acct.accountId}`, `--role-name=${roleName}`,
  ]);
  t.match(creds.roleCredentials.accessKeyId, /^ASIA/);
  t.ok(creds.roleCredentials.expiration > Date.now() + 3500_000, 'expiration in epoch ms');

  const env = {
    AWS_ACCESS_KEY_ID: creds.roleCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.roleCredentials.secretAccessKey,
    AWS_SESSION_TOKEN: creds.roleCredentials.sessionToken,
  };
  const id = await awsJson(['sts', 'get-caller-identity'], env);
  t.equal(id.Account, acct.accountId);
  t.ok(id.Arn.startsWith(`arn:aws:sts::${acct.accountId}:assumed-role/AWSReservedSSO_${roleName}_`), id.Arn);
  const bad = await aws(['sts', 'get-caller-identity'], { ...env, AWS_SECRET_ACCESS_KEY: 'x'.repeat(40) });
  t.not(bad.code, 0);
  t.match(bad.stderr, /SignatureDoesNotMatch/);

  const unauth = await aws(['sso', 'list-accounts', '--access-token', 'not-a-token']);
  t.not(unauth.code, 0);
  t.match(unauth.stderr, /UnauthorizedException/);
  t.match(unauth.stderr, /Session token not found or invalid/);

  const out = await aws(['sso', 'logout', `--access-token=${tok.accessToken}`]);
  t.equal(out.code, 0, out.stderr);
  t.match((await aws(['sso', 'list-accounts', `--access-token=${tok.accessToken}`])).stderr, /UnauthorizedException/);
});

t.test('SIGTERM: the emulator exits 0', async (t) => {
  emu.kill('SIGTERM');
  t.equal(await exited, 0);
});
