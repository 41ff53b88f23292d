// botocore/boto3 against the emulator: a python script (test/support/py/emulator_botocore.py) runs the
// device flow, refresh, pagination, role credentials, STS signing, throttling and Logout, and
// reports one JSON line per check. botocore is the arbiter: if it disagrees, the emulator is wrong.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../src/emulator/index.js';
import { run } from '../support/e2e-harness.js';
import { tempDir } from '../support/temp-dirs.js';

const script = fileURLToPath(new URL('../support/py/emulator_botocore.py', import.meta.url));

/** An environment where nothing on this machine (config files, AWS_* variables) can interfere. */
function cleanEnv(): NodeJS.ProcessEnv {
  const home = tempDir(join(tmpdir(), 'emu-py-'));
  writeFileSync(join(home, 'config'), '');
  writeFileSync(join(home, 'credentials'), '');
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  return { ...env, HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials') };
}

const em = await startEmulator({ accounts: 5, rolesPerAccount: 2 });
t.teardown(() => em.close());

const { code, stdout, stderr } = await run('python3', [script, em.url, em.startUrl, em.region], cleanEnv());
const lines = stdout
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { check?: string; ok?: boolean; detail?: unknown; done?: boolean });
const checks = lines.filter((l) => l.check !== undefined);

const expected = [
  'register_client: epoch-second ints',
  'start_device_authorization fields',
  'create_token pending',
  'oauth error members exposed',
  'create_token polled too fast',
  'device token: legacy 8 h, no refresh token',
  'device code is single use',
  'wrong client secret',
  'denied',
  'device code expired',
  'list_accounts paginated with maxResults=2',
  'list_account_roles paginated',
  'get_role_credentials: expiration epoch ms int',
  'unassigned role: unmodelled ForbiddenException',
  'unknown account: ResourceNotFoundException',
  'bad token: UnauthorizedException',
  'sts right secret: assumed-role ARN',
  'sts wrong secret: SignatureDoesNotMatch',
  'scripted 429: TooManyRequestsException',
  'rate limit: TooManyRequestsException',
  'after logout the token is dead',
  'scoped token: 1 h and a refresh token',
  'refresh: new access and refresh token',
  'rotated refresh token rejected',
  'botocore SSO provider: refreshed token, role credentials, STS',
];

t.equal(code, 0, 'the script exits 0', { stderr });
t.ok(lines.some((l) => l.done), 'the script ran to the end', { stderr });
t.same(
  checks.map((c) => c.check),
  expected,
  'every check ran, in order',
);
for (const c of checks) t.ok(c.ok, c.check!, { detail: c.detail });

t.test('the calls botocore made were counted per AWS operation', async (t) => {
  const stats = (await (await fetch(`${em.url}/_emulator/stats`)).json()) as { calls: Record<string, number> };
  for (const op of ['RegisterClient', 'StartDeviceAuthorization', 'CreateToken', 'ListAccounts', 'ListAccountRoles', 'GetRoleCredentials', 'Logout', 'GetCallerIdentity']) {
    t.ok((stats.calls[op] ?? 0) > 0, `${op} was called`);
  }
  t.equal(stats.calls.GetCallerIdentity, 3, 'one STS call per client, no retries');
  t.equal(stats.calls.Logout, 1);
});
