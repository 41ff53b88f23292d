/**
 * The install a user does: pack the package, install the tarball globally (into a temp prefix),
 * and use `sso-agent` from PATH only — serve, login, config --write, service install --dry-run —
 * ending with the AWS CLI v1 signing an STS call through a written profile. Nothing may point
 * back at this checkout.
 */
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import { isolatedWorld, ROOT, run } from '../support/e2e-harness.js';
import { tempDir } from '../support/temp-dirs.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string; version: string; scripts: Record<string, string>; repository?: { url?: string }; bugs?: { url?: string }; homepage?: string;
};

// One pack and one install for the file. --ignore-scripts: `npm test` built dist already, and
// prepack's clean rebuild would pull dist out from under the tests running beside this one.
const dir = tempDir(join(tmpdir(), 'sso-agent-install-'));
const prefix = join(dir, 'prefix');
const tarball = join(dir, `${pkg.name}-${pkg.version}.tgz`);
const pack = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--silent'], process.env, undefined, ROOT);
// The registry answers what the npm cache (filled by `npm ci`) lacks.
const install = pack.code === 0
  ? await run('npm', ['install', '-g', '--prefix', prefix, tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'error'], process.env, undefined, dir)
  : pack;
// The install first; then this machine's PATH (node, aws), less anything inside the checkout.
const PATH = [join(prefix, 'bin'), dirname(process.execPath), ...(process.env.PATH ?? '').split(':').filter((p) => p && !p.startsWith(ROOT))].join(':');

t.test('package.json is ready to publish', async (t) => {
  t.notOk(pkg.scripts.prepare, 'no prepare script: it would run (and warn) on every user install');
  t.match(pkg.scripts.prepack, /npm run build/, 'prepack builds what is packed');
  t.match(pkg.repository?.url, /^git\+https:\/\/github\.com\//);
  t.match(pkg.bugs?.url, /^https:\/\//);
  t.match(pkg.homepage, /^https:\/\//);
});

t.test('npm pack + npm install -g: everything works from PATH', async (t) => {
  t.equal(pack.code, 0, pack.stderr);
  const list = (await run('tar', ['tzf', tarball], process.env)).stdout.split('\n');
  for (const f of ['package/dist/cli/main.js', 'package/systemd/sso-agent.service', 'package/launchd/sso-agent.plist', 'package/README.md', 'package/LICENSE', 'package/package.json']) {
    t.ok(list.includes(f), `the tarball holds ${f}`);
  }
  t.notOk(list.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/') || f.endsWith('.map')), 'no sources, tests or source maps');

  t.equal(install.code, 0, install.stderr);
  const installedMain = realpathSync(join(prefix, 'bin', 'sso-agent'));
  t.equal(installedMain, realpathSync(join(prefix, 'lib', 'node_modules', pkg.name, 'dist', 'cli', 'main.js')), 'bin/sso-agent is the installed copy');

  const emu = await startEmulator({ autoApprove: true, accounts: 2, rolesPerAccount: 1 });
  t.teardown(() => emu.close());
  const world = isolatedWorld(emu.url);
  const env: NodeJS.ProcessEnv = { ...world.env, PATH, AWS_EC2_METADATA_DISABLED: 'true' };
  const cwd = world.home;
  const sso = (args: string[]) => run('sso-agent', args, env, undefined, cwd);

  t.equal((await sso(['--version'])).stdout.trim(), pkg.version);
  const agent = spawn('sso-agent', ['serve', '--port', '0'], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => { agent.kill('SIGTERM'); });
  const log = collect(agent);
  await log.until((text) => text.includes('"msg":"listening"'), 'the agent listening');

  const login = await sso(['login', '--session', 'demo', '--start-url', emu.startUrl, '--region', emu.region, '--device-code', '--no-browser']);
  t.equal(login.code, 0, login.stderr);
  t.match(login.stdout, /^Logged in to session demo: 2 accounts, 2 roles\.$/m);

  const write = await sso(['config', '--write']);
  t.equal(write.code, 0, write.stderr);
  const config = readFileSync(env.AWS_CONFIG_FILE as string, 'utf8');
  // curl is on PATH here, so the line starts with the shell client shipped in the package (issue 13).
  const installedClient = join(dirname(dirname(installedMain)), '..', 'bin', 'sso-agent-credential-process.sh');
  t.match(config, `credential_process = /bin/sh ${installedClient} ${process.execPath} ${installedMain} credential-process `, 'credential_process runs the installed copy');
  t.notMatch(config, ROOT, 'nothing points at the checkout');

  const profile = /^\[profile (\S+)\]$/m.exec(config)?.[1] ?? '';
  const aws = await run('aws', ['sts', 'get-caller-identity', '--profile', profile, '--endpoint-url', emu.url, '--output', 'json'], env, undefined, cwd);
  t.equal(aws.code, 0, aws.stderr);
  t.match(JSON.parse(aws.stdout).Arn, /^arn:aws:sts::\d{12}:assumed-role\/AWSReservedSSO_/, 'the AWS CLI signed through the written profile');

  const service = await sso(['service', 'install', '--dry-run', '--manager', 'systemd']);
  t.equal(service.code, 0, service.stderr);
  t.match(service.stdout, `ExecStart="${process.execPath}" "${installedMain}" serve`, 'the unit runs the installed copy');

  const status = await sso(['status']);
  t.equal(status.code, 0, 'status: every session can serve');

  agent.kill('SIGTERM');
  await new Promise((r) => agent.once('exit', r));
  t.notMatch(log.stderr(), /Warning/, 'no raw Node warning on the agent\'s stderr');
  if (Number(process.versions.node.split('.')[0]) < 22) {
    const warnings = log.stdout().split('\n').filter((l) => l.includes('NodeVersionSupportWarning'));
    t.equal(warnings.length, 1, 'the SDK\'s Node version warning is one JSON log line');
    t.doesNotThrow(() => JSON.parse(warnings[0] ?? ''), 'and that line is JSON');
  }
});

t.test('the demo from the installed copy prints lines that work as printed', async (t) => {
  t.equal(install.code, 0, install.stderr);
  const home = tempDir(join(tmpdir(), 'sso-agent-install-demo-'));
  const env: NodeJS.ProcessEnv = { HOME: home, TMPDIR: home, PATH };
  const demo = spawn('sso-agent', ['demo', '--accounts', '1'], { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => { demo.kill('SIGTERM'); });
  const out = collect(demo);
  await out.until((text) => /^export SSO_AGENT_SOCK=.*$/m.test(text), 'the demo\'s instructions');
  const lines = out.stdout().split('\n');
  const lsLine = lines.find((l) => l.startsWith('export SSO_AGENT_SOCK=')) ?? '';
  t.match(lsLine, /; sso-agent ls$/, 'installed: the plain command name');
  const start = lines.findIndex((l) => l.startsWith('unset '));
  const awsLine = lines.find((l) => l.startsWith('aws sts get-caller-identity')) ?? '';
  const pasted = [...lines.slice(start, lines.indexOf(awsLine)), `${awsLine} --output json`, lsLine].join('\n');
  const r = await run('sh', ['-c', pasted], env, undefined, home);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /"Arn": "arn:aws:sts::\d{12}:assumed-role\//, 'the aws line answers');
  t.match(r.stdout, /^PROFILE\s+SESSION/m, 'the ls line answers');
});

/** A child's output so far, and a wait for a condition on it (no sleeps). */
function collect(child: ChildProcess) {
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  const poke = () => { for (const w of waiters.splice(0)) w(); };
  child.stdout?.on('data', (c) => { out += c; poke(); });
  child.stderr?.on('data', (c) => { err += c; poke(); });
  return {
    stdout: () => out,
    stderr: () => err,
    async until(cond: (text: string) => boolean, what: string, timeoutMs = 30_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!cond(out)) {
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before ${what}: ${err}`);
        if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms: ${out}\n${err}`);
        await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 500).unref(); });
      }
    },
  };
}
