// STS AssumeRole in the emulator, driven by botocore (test/support/py/emulator_assume_role.py):
// the same answers the JS SDK checks in assume-role.test.ts, seen through Python's client.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../src/emulator/index.js';
import { run } from '../support/e2e-harness.js';
import { tempDir } from '../support/temp-dirs.js';

const script = fileURLToPath(new URL('../support/py/emulator_assume_role.py', import.meta.url));
const home = tempDir(join(tmpdir(), 'emu-assume-'));
writeFileSync(join(home, 'config'), '');
writeFileSync(join(home, 'credentials'), '');
const env: NodeJS.ProcessEnv = {};
for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
Object.assign(env, { HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials') });

const em = await startEmulator({ accounts: 3, rolesPerAccount: 1 });
t.teardown(() => em.close());

const { code, stdout, stderr } = await run('python3', [script, em.url, em.startUrl, em.region], env);
const lines = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { check?: string; ok?: boolean; detail?: unknown; done?: boolean });
const checks = lines.filter((l) => l.check !== undefined);
t.equal(code, 0, 'the script exits 0', { stderr });
t.ok(lines.some((l) => l.done), 'the script ran to the end', { stderr });
t.same(checks.map((c) => c.check), [
  'assume_role: assumed-role ARN and a datetime Expiration',
  'assumed credentials sign get_caller_identity',
  'assume_role from assumed credentials',
  'missing role: AccessDenied 403',
  'chained duration: ValidationError 400',
  'session name pattern: ValidationError 400',
  'expired caller: ExpiredToken 400',
], 'every check ran, in order');
for (const c of checks) t.ok(c.ok, c.check!, { detail: c.detail });
