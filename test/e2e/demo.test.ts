/**
 * What the README promises: run `sso-agent demo`, paste the printed lines into a shell, and
 * `aws sts get-caller-identity` answers with the role's ARN. The test pastes them into `sh`
 * exactly as printed, in a shell whose own AWS settings would otherwise get in the way.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MAIN, run } from '../support/e2e-harness.js';

t.test('demo: paste the lines, aws answers with the role ARN; Ctrl-C cleans up', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'sso-agent-demo-test-'));
  writeFileSync(join(home, 'config'), '[default]\nregion = eu-west-1\n');
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('SSO_AGENT_')) base[k] = v;
  const env = { ...base, HOME: home, TMPDIR: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials') };

  const demo = spawn(process.execPath, [MAIN, 'demo', '--accounts', '2'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  demo.stderr.on('data', (c) => { err += c; });
  const exited = new Promise<number | null>((r) => demo.once('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    demo.stdout.on('data', (c) => { out += c; if (/^aws sts get-caller-identity .*$/m.test(out) && out.includes('SSO_AGENT_SOCK=')) resolve(); });
    exited.then((code) => reject(new Error(`demo exited ${code}: ${err}`)));
  });
  t.teardown(() => { if (demo.exitCode === null) demo.kill('SIGKILL'); });

  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith('unset '));
  const end = lines.findIndex((l) => l.startsWith('aws sts get-caller-identity'));
  t.ok(start >= 0 && end > start, 'prints the env lines then the aws command');
  const pasted = lines.slice(start, end + 1).join('\n');
  t.notMatch(pasted, /SecretAccessKey|ASIA/, 'no AWS secret is printed');
  const account = /arn:aws:sts::(\d{12}):assumed-role\/AWSReservedSSO_(.+?)_…/.exec(out);
  t.ok(account, 'says which ARN to expect');

  // A shell with a stale profile and static keys set: the pasted unset line must clear them.
  const r = await run('sh', ['-c', pasted + ' --output json'], { ...env, AWS_PROFILE: 'missing', AWS_ACCESS_KEY_ID: 'AKIAOLD', AWS_SECRET_ACCESS_KEY: 'old' });
  t.equal(r.code, 0, r.stderr);
  const arn = JSON.parse(r.stdout).Arn as string;
  t.ok(arn.startsWith(`arn:aws:sts::${account?.[1]}:assumed-role/AWSReservedSSO_${account?.[2]}_`), `aws answered ${arn}`);

  const socket = /SSO_AGENT_SOCK=(\S+?);/.exec(out)?.[1] ?? '';
  t.ok(existsSync(socket), 'the demo agent\'s socket is live');
  // The "look around" line, pasted as printed, in a shell where no sso-agent is on PATH (a checkout).
  const lsLine = lines.find((l) => l.startsWith('export SSO_AGENT_SOCK=')) ?? '';
  t.match(lsLine, / ls$/, 'prints a pasteable ls line');
  const ls = await run('sh', ['-c', lsLine + ' --json'], { ...env, PATH: '/usr/bin:/bin' });
  t.equal(ls.code, 0, ls.stderr);
  t.equal(JSON.parse(ls.stdout).length, 4, 'the printed ls line works against the demo agent');

  demo.kill('SIGINT');
  t.equal(await exited, 0, 'Ctrl-C: exit 0');
  t.notOk(existsSync(dirname(socket)), 'the private temp folder is removed');
});
