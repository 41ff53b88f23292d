/**
 * The agent started exactly as the installed unit's ExecStart= line says, with the environment
 * its Environment= lines set (and %t pointing at a temporary runtime dir), serves /health; and
 * `service status` finds it through the admin socket and checks /health for real.
 */
import t, { type Test } from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { adminRequest, ADMIN_ROUTES } from '../../src/cli/admin-client.js';
import { socketPath } from '../../src/paths.js';
import { fetchHealth } from '../../src/cli/service/health.js';
import { cliPath, packageRoot, resolveInputs } from '../../src/cli/service/locations.js';
import { execStartArgv, unitEnvironment } from '../../src/cli/service/parse-unit.js';
import { renderUnit } from '../../src/cli/service/render-unit.js';
import { serviceStatus, type ServiceDeps } from '../../src/cli/service/run-service.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole, LoginPrompt, SyncSummary } from '../../src/core/types.js';

import { agentGet } from '../support/agent-get.js';
import { tempDir } from '../support/temp-dirs.js';
import { freePort } from '../support/free-port.js';

const root = packageRoot();


/**
 * Starts the agent as `argv` with `env` and waits for its "listening" line; killed at teardown if
 * still running. `exited` resolves with its exit code.
 */
async function startAgent(t: Test, argv: string[], env: NodeJS.ProcessEnv, ms = 15_000): Promise<{ child: ChildProcess; exited: Promise<number | null>; port: number; socket: string }> {
  const child = spawn(argv[0] as string, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  const ready = await new Promise<{ port: number; socket: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" log line within ${ms} ms`)), ms);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the agent exited with ${code} before listening`)); });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const j = JSON.parse(line) as { msg?: string; port?: number; socket?: string };
        if (j.msg === 'listening' && typeof j.port === 'number' && typeof j.socket === 'string') {
          clearTimeout(timer);
          resolve({ port: j.port, socket: j.socket });
        }
      } catch {
        // not a JSON log line
      }
    });
  }).catch((err: Error) => {
    throw new Error(`${err.message}; stderr: ${stderr.slice(0, 800)}`);
  });
  return { child, exited, ...ready };
}

t.test('the unit\'s ExecStart line, run with the unit\'s environment, serves /health', async (t) => {
  t.ok(existsSync(cliPath(root)), `${cliPath(root)} exists (run \`npm run build\` before the tests)`);
  const home = tempDir(join(tmpdir(), 'sso-agent-e2e-home-'));
  const xdgRuntime = tempDir(join(tmpdir(), 'sso-agent-e2e-run-'));
  // What RuntimeDirectory=sso-agent + RuntimeDirectoryMode=0700 make systemd do before ExecStart.
  mkdirSync(join(xdgRuntime, 'sso-agent'), { mode: 0o700 });
  const port = await freePort();

  const env0: NodeJS.ProcessEnv = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
  const unit = renderUnit(readFileSync(join(root, 'systemd', 'sso-agent.service'), 'utf8'), resolveInputs(env0, { node: process.execPath, root, port }));
  const spec = { t: xdgRuntime, h: home };
  const argv = execStartArgv(unit, spec);
  t.same(argv, [process.execPath, cliPath(root), 'serve']);
  const unitEnv = unitEnvironment(unit, spec);

  // A user manager's environment: HOME, PATH, XDG_RUNTIME_DIR, and what the unit adds; nothing
  // from this test process that could make it pass by accident (no SSO_AGENT_SOCK, no endpoints).
  const ready = await startAgent(t, argv, { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', XDG_RUNTIME_DIR: xdgRuntime, ...unitEnv });
  const { child, exited } = ready;
  t.equal(ready.port, port, 'listens on the port the unit pins');
  t.equal(ready.socket, join(xdgRuntime, 'sso-agent', 'agent.sock'), 'socket in %t/sso-agent');
  t.equal(ready.socket, socketPath({ HOME: home, XDG_RUNTIME_DIR: xdgRuntime }), 'which is where the CLI in a login shell looks');

  const health = await fetchHealth(port);
  t.equal(health.ok, true, `GET /health answers 200 with a status (${JSON.stringify(health)})`);

  // `service status` against the live agent: port from the admin API, /health checked for real.
  const calls: string[] = [];
  const deps: ServiceDeps = {
    platform: 'linux', env: { ...env0, XDG_RUNTIME_DIR: xdgRuntime }, uid: process.getuid?.() ?? 0, execPath: process.execPath, root,
    run: async (c, a) => { calls.push([c, ...a].join(' ')); return a.includes('is-active') ? { code: 0, stdout: 'active\n', stderr: '' } : { code: 1, stdout: '', stderr: '' }; },
    onPath: () => true, exists: existsSync,
    agentPort: async () => (await adminRequest<{ agent: { port: number } }>('GET', ADMIN_ROUTES.status, undefined, { socket: ready.socket, timeoutMs: 2000 })).agent.port,
    fetchHealth, sleep: async () => {}, out: () => {}, err: () => {},
  };
  const s = await serviceStatus('systemd', deps);
  t.match(s, { running: true, port, portFrom: 'agent', health: { ok: true } });

  // TimeoutStopSec=5 in the unit relies on a clean exit well within that.
  const t0 = Date.now();
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'SIGTERM: exit 0');
  t.ok(Date.now() - t0 < 2500, `stopped in ${Date.now() - t0} ms`);
  t.notOk(existsSync(ready.socket), 'socket removed');
  const after = await fetchHealth(port);
  t.equal(after.ok, false, 'nothing answers after stop');
});

/**
 * What ProtectSystem=strict + ProtectHome=read-only + ReadWritePaths= leave writable, made with a
 * private mount namespace (util-linux `unshare`, no systemd needed): every mount read-only except
 * the runtime dir and the settings dir. Stricter than the unit in one way (no PrivateTmp, so /tmp
 * is read-only too), which only makes a pass more convincing.
 */
const SANDBOX = `set -e
RT=$1; SD=$2; shift 2
mount --make-rprivate /
mount --bind "$RT" "$RT"
mount --bind "$SD" "$SD"
findmnt -rno TARGET | while read -r m; do
  case "$m" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*|"$RT"|"$SD") continue;; esac
  mount -o remount,bind,ro "$m"
done
exec "$@"`;

function sandboxed(rt: string, sd: string, argv: string[]): string[] {
  return ['unshare', '--user', '--map-root-user', '--mount', 'sh', '-c', SANDBOX, 'sandbox', rt, sd, ...argv];
}

t.test('inside the unit\'s read-only file system the agent logs in, saves its settings and serves credentials', async (t) => {
  const home = tempDir(join(tmpdir(), 'sso-agent-ro-home-'));
  const xdgRuntime = tempDir(join(tmpdir(), 'sso-agent-ro-run-'));
  const rt = join(xdgRuntime, 'sso-agent');
  mkdirSync(rt, { mode: 0o700 });
  const env0: NodeJS.ProcessEnv = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
  const port = await freePort();
  const inputs = resolveInputs(env0, { node: process.execPath, root, port });
  // `service install` creates the settings dir: under ProtectHome=read-only the agent could not.
  const sd = join(home, '.config', 'sso-agent');
  mkdirSync(sd, { recursive: true, mode: 0o700 });
  mkdirSync(join(home, '.aws'));
  writeFileSync(join(home, '.aws', 'config'), '[default]\nregion = us-east-1\n');

  const probeArgv = sandboxed(rt, sd, ['sh', '-c', `touch "${home}/probe" 2>/dev/null && echo writable || echo read-only; touch "${sd}/probe" && rm "${sd}/probe" && echo sd-writable`]);
  const probe = spawnSync(probeArgv[0] as string, probeArgv.slice(1), { encoding: 'utf8' });
  t.equal(probe.stdout, 'read-only\nsd-writable\n', `the sandbox works here (unshare: ${probe.stderr.trim() || 'ok'})`);

  const emu = await startEmulator({ autoApprove: true, accounts: 2, rolesPerAccount: 2, deviceInterval: 1 });
  t.teardown(() => emu.close());

  const unit = renderUnit(readFileSync(join(root, 'systemd', 'sso-agent.service'), 'utf8'), inputs);
  const spec = { t: xdgRuntime, h: home };
  const ready = await startAgent(t, sandboxed(rt, sd, execStartArgv(unit, spec)), {
    HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', XDG_RUNTIME_DIR: xdgRuntime, ...unitEnvironment(unit, spec),
    // What a drop-in would add to point the agent at the emulator instead of AWS.
    AWS_ENDPOINT_URL_SSO_OIDC: emu.url, AWS_ENDPOINT_URL_SSO: emu.url,
  });
  const { child, exited } = ready;
  t.equal(ready.port, port);

  const socket = ready.socket;
  const prompt = await adminRequest<LoginPrompt>('POST', ADMIN_ROUTES.login, { session: 'sandboxed', startUrl: emu.startUrl, region: emu.region, flow: 'device' }, { socket, timeoutMs: 10_000 });
  t.equal(prompt.session, 'sandboxed');
  const summary = await adminRequest<SyncSummary>('POST', ADMIN_ROUTES.loginWait, { session: 'sandboxed' }, { socket, timeoutMs: 30_000 });
  t.match(summary, { session: 'sandboxed', accounts: 2, roles: 4 });

  const settings = join(sd, 'settings.json');
  t.ok(existsSync(settings), 'the session added by login --start-url was saved in the settings dir');
  t.match(readFileSync(settings, 'utf8'), emu.startUrl);

  const profiles = await adminRequest<CatalogRole[]>('GET', ADMIN_ROUTES.profiles, undefined, { socket, timeoutMs: 5000 });
  t.equal(profiles.length, 4);
  const first = profiles[0] as CatalogRole;
  const envReply = await adminRequest<{ uri: string; token: string }>('GET', ADMIN_ROUTES.env(first.profile), undefined, { socket, timeoutMs: 5000 });
  const res = await agentGet(envReply.uri, { authorization: envReply.token });
  t.equal(res.status, 200, 'the container-credentials endpoint serves the role');
  const creds = await res.json() as { AccessKeyId?: string; RoleArn?: string };
  t.match(creds, { AccessKeyId: /^ASIA/, RoleArn: first.roleArn });

  child.kill('SIGTERM');
  t.equal(await exited, 0, 'clean exit inside the sandbox too');
  t.notOk(existsSync(join(home, 'probe')), 'nothing was written to HOME');
});

t.test('fetchHealth tells the agent from something else on the port', async (t) => {
  const { createServer: createHttp } = await import('node:http');
  const other = createHttp((_req, res) => { res.statusCode = 404; res.end('<html>nope</html>'); });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  t.teardown(() => other.close());
  const { port } = other.address() as { port: number };
  t.same(await fetchHealth(port), { ok: false, error: 'HTTP 404, not the agent\'s /health reply' });
  const silent = createHttp(() => { /* never answers */ });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(() => { silent.closeAllConnections(); silent.close(); });
  const r = await fetchHealth((silent.address() as { port: number }).port, 200);
  t.same(r, { ok: false, error: 'no answer within 200 ms' }, 'a wedged listener does not hang status');
});
