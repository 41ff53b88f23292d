/**
 * `sso-agent service` against a temporary HOME/XDG_CONFIG_HOME, with systemctl and launchctl
 * replaced by small simulations behind the injected command runner: every call is captured.
 */
import t from 'tap';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { serviceCommand } from '../../../src/cli/commands/service.js';
import type { ServiceDeps } from '../../../src/cli/service/run-service.js';
import type { CommandRunner, RunResult } from '../../../src/cli/service/runner.js';
import { packageRoot } from '../../../src/cli/service/locations.js';
import { parseUnit, unitValues } from '../../../src/cli/service/parse-unit.js';

import { tempDir } from '../../support/temp-dirs.js';

const UID = 501;
const LABEL = 'io.github.aws-sso-agent';
const ok = (stdout = ''): RunResult => ({ code: 0, stdout, stderr: '' });
const fail = (code: number, stderr: string, stdout = ''): RunResult => ({ code, stdout, stderr });

/** Just enough of `systemctl --user` to round-trip: a unit is known after daemon-reload. */
function fakeSystemctl(unitFile: string) {
  const s = { known: false, enabled: false, active: false };
  const run = async (args: readonly string[]): Promise<RunResult> => {
    const [user, verb, ...rest] = args;
    if (user !== '--user') return fail(1, 'expected --user');
    const unit = rest.filter((a) => !a.startsWith('--')).at(-1);
    switch (verb) {
      case 'daemon-reload': s.known = existsSync(unitFile); if (!s.known) { s.enabled = false; s.active = false; } return ok();
      case 'enable':
        if (!s.known) return fail(1, `Failed to enable unit: Unit file ${unit} does not exist.`);
        s.enabled = true;
        if (rest.includes('--now')) s.active = true;
        return ok();
      case 'disable':
        if (!s.known) return fail(1, `Failed to disable unit: Unit file ${unit} does not exist.`);
        s.enabled = false;
        if (rest.includes('--now')) s.active = false;
        return ok();
      case 'restart': case 'start': if (!s.known) return fail(5, 'Unit not found.'); s.active = true; return ok();
      case 'stop': s.active = false; return ok();
      case 'is-active': return s.active ? ok('active\n') : fail(3, '', 'inactive\n');
      case 'is-enabled': return !s.known ? fail(1, `Failed to get unit file state for ${unit}: No such file or directory`) : s.enabled ? ok('enabled\n') : fail(1, '', 'disabled\n');
      case 'reset-failed': return s.known ? ok() : fail(1, `Unit ${unit} not loaded.`);
      default: return fail(1, `unknown verb ${verb}`);
    }
  };
  return { state: s, run };
}

function fakeLaunchctl(plistFile: string) {
  const s = { loaded: false, enabled: true };
  const target = `gui/${UID}/${LABEL}`;
  const run = async (args: readonly string[]): Promise<RunResult> => {
    const [verb, ...rest] = args;
    switch (verb) {
      case 'print': return rest[0] === target && s.loaded ? ok(`${target} = {\n\tstate = running\n\tpid = 4242\n}\n`) : fail(113, `Could not find service "${LABEL}" in domain for user gui: ${UID}`);
      case 'enable': s.enabled = true; return ok();
      case 'bootstrap':
        if (rest[0] !== `gui/${UID}` || rest[1] !== plistFile || !existsSync(plistFile)) return fail(5, 'Bootstrap failed: 5: Input/output error');
        if (!s.enabled) return fail(119, 'Bootstrap failed: 119: Service is disabled');
        if (s.loaded) return fail(5, 'Bootstrap failed: 5: Input/output error');
        s.loaded = true; return ok();
      case 'bootout': if (rest[0] !== target || !s.loaded) return fail(3, 'Boot-out failed: 3: No such process'); s.loaded = false; return ok();
      default: return fail(1, `unknown verb ${verb}`);
    }
  };
  return { state: s, run };
}

interface Machine {
  deps: ServiceDeps;
  calls: string[];
  out: () => string;
  err: () => string;
  home: string;
  file: string;
  running: () => boolean;
}

function machine(platform: 'linux' | 'darwin', o: { env?: NodeJS.ProcessEnv; agentPort?: number; onPath?: string[]; root?: string } = {}): Machine {
  const home = tempDir(join(tmpdir(), 'sso-agent-svc-'));
  const runtime = join(home, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  writeFileSync(join(runtime, 'bus'), ''); // stands in for the user manager's bus socket
  const env: NodeJS.ProcessEnv = platform === 'linux'
    ? { HOME: home, XDG_CONFIG_HOME: join(home, 'xdg'), XDG_RUNTIME_DIR: runtime, ...o.env }
    : { HOME: home, TMPDIR: join(home, 'T'), ...o.env };
  const file = platform === 'linux' ? join(home, 'xdg', 'systemd', 'user', 'sso-agent.service') : join(home, 'Library', 'LaunchAgents', `${LABEL}.plist`);
  const sc = fakeSystemctl(file);
  const lc = fakeLaunchctl(file);
  const calls: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const run: CommandRunner = async (cmd, args) => {
    calls.push([cmd, ...args].join(' '));
    if (cmd === 'systemctl') return sc.run(args);
    if (cmd === 'launchctl') return lc.run(args);
    return fail(127, `${cmd}: command not found`);
  };
  const running = () => (platform === 'linux' ? sc.state.active : lc.state.loaded);
  const deps: ServiceDeps = {
    platform, env, uid: UID, execPath: '/opt/node/bin/node', root: o.root ?? packageRoot(), run,
    onPath: (cmd) => (o.onPath ?? (platform === 'linux' ? ['systemctl'] : ['launchctl'])).includes(cmd),
    exists: existsSync,
    agentPort: async () => (running() ? o.agentPort : undefined),
    fetchHealth: async (port) => (running() ? { ok: true, status: 'ok' } : { ok: false, error: `connection refused on ${port}` }),
    sleep: async () => {},
    out: (s) => out.push(s), err: (s) => err.push(s),
  };
  return { deps, calls, out: () => out.join(''), err: () => err.join(''), home, file, running };
}

/** A package root whose dist/cli/main.js exists, whatever the state of the real build. */
function builtRoot(): string {
  const root = tempDir(join(tmpdir(), 'sso-agent-pkg-'));
  for (const d of ['systemd', 'launchd']) {
    mkdirSync(join(root, d));
    for (const f of readdirSync(join(packageRoot(), d))) writeFileSync(join(root, d, f), readFileSync(join(packageRoot(), d, f)));
  }
  mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
  writeFileSync(join(root, 'dist', 'cli', 'main.js'), '');
  return root;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

t.test('install --persist keychain writes it into ExecStart; a bad value is refused', async (t) => {
  const root = builtRoot();
  const m = machine('linux', { root });
  t.equal(await serviceCommand(['install', '--port', '9911', '--persist', 'keychain'], () => m.deps), 0);
  t.same(unitValues(parseUnit(readFileSync(m.file, 'utf8')), 'Service', 'ExecStart'), [`"/opt/node/bin/node" "${join(root, 'dist', 'cli', 'main.js')}" serve --persist keychain`]);
  await t.rejects(serviceCommand(['install', '--persist', 'file'], () => m.deps), { code: 'BadUsage', message: /--persist takes keychain, not "file"/ });
});

t.test('systemd: install -> status -> uninstall round-trips', async (t) => {
  const root = builtRoot();
  const m = machine('linux', { root });

  t.equal(await serviceCommand(['install', '--port', '9911'], () => m.deps), 0);
  t.same(m.calls, ['systemctl --user daemon-reload', 'systemctl --user enable --now sso-agent.socket sso-agent.service'], 'fresh install: reload, enable --now (socket first)');
  t.match(readFileSync(join(dirname(m.file), 'sso-agent.socket'), 'utf8'), /^ListenStream=127\.0\.0\.1:9911$/m, 'the socket unit beside the service holds the port');
  const unit = readFileSync(m.file, 'utf8');
  t.equal((statSync(m.file).mode & 0o777).toString(8), '644');
  const u = parseUnit(unit);
  t.same(unitValues(u, 'Service', 'ExecStart'), [`"/opt/node/bin/node" "${join(root, 'dist', 'cli', 'main.js')}" serve`], 'absolute node and CLI paths');
  t.ok(unitValues(u, 'Service', 'Environment').includes('"SSO_AGENT_PORT=9911"'));
  t.ok(unitValues(u, 'Service', 'Environment').includes(`"SSO_AGENT_SETTINGS=${join(m.home, 'xdg', 'sso-agent', 'settings.json')}"`), 'settings under XDG_CONFIG_HOME');
  t.equal((statSync(join(m.home, 'xdg', 'sso-agent')).mode & 0o777).toString(8), '700', 'settings dir created private');
  t.match(m.out(), /wrote .*sso-agent\.service/);
  t.match(m.out(), /runs as a systemd user service and answers on http:\/\/127\.0\.0\.1:9911\/health; next: `sso-agent login`, logs: `journalctl --user -u sso-agent`/);

  m.calls.length = 0;
  const before = m.out().length;
  t.equal(await serviceCommand(['status'], () => m.deps), 0, 'installed, running, healthy: exit 0');
  const status = m.out().slice(before);
  t.match(status, /installed: yes \(enabled at login\)/);
  t.match(status, /running:   yes \(active\)/);
  t.match(status, /health:    ok \(ok\) on http:\/\/127\.0\.0\.1:9911\/health \(port from service file\)/);
  t.match(status, /socket:    active \(.*sso-agent\.socket holds the port\)/);
  t.same(m.calls, ['systemctl --user is-active sso-agent.service', 'systemctl --user is-enabled sso-agent.service', 'systemctl --user is-active sso-agent.socket']);

  m.calls.length = 0;
  t.equal(await serviceCommand(['install', '--port', '9911'], () => m.deps), 0, 'install again');
  t.same(m.calls, ['systemctl --user is-active sso-agent.service', 'systemctl --user daemon-reload', 'systemctl --user enable --now sso-agent.socket sso-agent.service'], 'unchanged units: no restart, tokens kept');
  t.match(m.out(), /already up to date/);

  m.calls.length = 0;
  t.equal(await serviceCommand(['install', '--port', '9912'], () => m.deps), 0, 'install with a new port');
  t.same(m.calls.slice(1), ['systemctl --user stop sso-agent.service', 'systemctl --user daemon-reload', 'systemctl --user restart sso-agent.socket', 'systemctl --user enable --now sso-agent.socket sso-agent.service'], 'a new port: the agent stops, the socket moves, both start');
  t.match(m.out(), /log in again/);

  m.calls.length = 0;
  t.equal(await serviceCommand(['uninstall'], () => m.deps), 0);
  t.same(m.calls, ['systemctl --user disable --now sso-agent.socket sso-agent.service', 'systemctl --user daemon-reload', 'systemctl --user reset-failed sso-agent.socket sso-agent.service']);
  t.notOk(existsSync(m.file), 'unit file removed');
  t.notOk(existsSync(join(dirname(m.file), 'sso-agent.socket')), 'socket unit removed');
  t.notOk(m.running());

  const errBefore = m.err().length;
  t.equal(await serviceCommand(['status', '--json'], () => m.deps), 1, 'not installed: exit 1');
  const json = JSON.parse(m.out().slice(m.out().lastIndexOf('{\n  "manager"'))) as Record<string, unknown>;
  t.match(json, { manager: 'systemd', installed: false, running: false, state: 'inactive', port: 8732, portFrom: 'default', health: { ok: false } });
  t.match(m.err().slice(errBefore), /not installed: run `sso-agent service install`/);

  t.equal(await serviceCommand(['uninstall'], () => m.deps), 0, 'uninstall twice is fine');
  t.match(m.out(), /not installed: .* does not exist/);
});

t.test('launchd: install -> status -> uninstall round-trips', async (t) => {
  const root = builtRoot();
  const m = machine('darwin', { root, agentPort: 8732 });

  t.equal(await serviceCommand(['install'], () => m.deps), 0);
  t.same(m.calls, [`launchctl print gui/${UID}/${LABEL}`, `launchctl enable gui/${UID}/${LABEL}`, `launchctl bootstrap gui/${UID} ${m.file}`]);
  const plist = readFileSync(m.file, 'utf8');
  t.match(plist, `<string>/opt/node/bin/node</string>\n    <string>${join(root, 'dist', 'cli', 'main.js')}</string>\n    <string>serve</string>`);
  t.match(plist, `<string>${join(m.home, 'Library', 'Logs', 'sso-agent.log')}</string>`);
  t.match(plist, `<key>SSO_AGENT_RUNTIME_DIR</key>\n    <string>${join(m.home, 'T', 'sso-agent-')}`, 'runtime dir pinned to what the CLI computes from TMPDIR');
  t.ok(existsSync(join(m.home, 'Library', 'Logs')), 'log dir exists');

  m.calls.length = 0;
  const before = m.out().length;
  t.equal(await serviceCommand(['status'], () => m.deps), 0);
  t.match(m.out().slice(before), /installed: yes\nrunning:   yes \(running\)\nhealth:    ok \(ok\) on http:\/\/127\.0\.0\.1:8732\/health \(port from agent\)/);
  t.same(m.calls, [`launchctl print gui/${UID}/${LABEL}`]);

  m.calls.length = 0;
  t.equal(await serviceCommand(['install'], () => m.deps), 0, 'install again: already loaded and unchanged');
  t.same(m.calls, [`launchctl print gui/${UID}/${LABEL}`], 'nothing reloaded');

  m.calls.length = 0;
  t.equal(await serviceCommand(['install', '--port', '9000'], () => m.deps), 0, 'a changed plist');
  t.same(m.calls, [`launchctl print gui/${UID}/${LABEL}`, `launchctl bootout gui/${UID}/${LABEL}`, `launchctl enable gui/${UID}/${LABEL}`, `launchctl bootstrap gui/${UID} ${m.file}`]);
  t.match(readFileSync(m.file, 'utf8'), '<string>9000</string>');

  m.calls.length = 0;
  t.equal(await serviceCommand(['uninstall'], () => m.deps), 0);
  t.same(m.calls, [`launchctl print gui/${UID}/${LABEL}`, `launchctl bootout gui/${UID}/${LABEL}`]);
  t.notOk(existsSync(m.file));
  t.notOk(m.running());
  t.equal(await serviceCommand(['status'], () => m.deps), 1);
  t.match(m.out(), /installed: no\nrunning:   no \(not loaded\)/);
});

t.test('--dry-run prints the files and commands and changes nothing', async (t) => {
  for (const platform of ['linux', 'darwin'] as const) {
    const root = builtRoot();
    const m = machine(platform, { root });
    const filesBefore = listFiles(m.home);
    t.equal(await serviceCommand(['install', '--dry-run'], () => m.deps), 0, `${platform} install --dry-run`);
    t.same(listFiles(m.home), filesBefore, `${platform}: no file written`);
    t.notOk(m.calls.some((c) => /daemon-reload|enable|bootstrap|bootout|disable/.test(c)), `${platform}: only read-only queries ran: ${m.calls.join('; ')}`);
    t.match(m.out(), /would do the following \(nothing is changed\)/);
    t.match(m.out(), platform === 'linux' ? /run systemctl --user enable --now sso-agent\.socket sso-agent\.service/ : new RegExp(`run launchctl bootstrap gui/${UID} `));
    t.match(m.out(), platform === 'linux' ? /^    ExecStart="\/opt\/node\/bin\/node" /m : /^      <key>ProgramArguments<\/key>$/m, 'the file content is shown');

    // Installed for real, then an uninstall dry run leaves it all in place.
    t.equal(await serviceCommand(['install'], () => m.deps), 0);
    const installed = listFiles(m.home);
    m.calls.length = 0;
    t.equal(await serviceCommand(['uninstall', '--dry-run'], () => m.deps), 0);
    t.same(listFiles(m.home), installed, `${platform}: uninstall --dry-run removed nothing`);
    t.ok(m.running(), `${platform}: still running`);
    t.match(m.out(), /rm .*(sso-agent\.service|\.plist)/);
  }
});

t.test('no service manager: says so, prints the serve command, exit 1', async (t) => {
  const cases: Array<[string, 'linux' | 'darwin', Parameters<typeof machine>[1], RegExp]> = [
    ['linux without a user bus', 'linux', { env: { XDG_RUNTIME_DIR: '/nonexistent' } }, /no systemd user manager/],
    ['linux without systemctl', 'linux', { onPath: [] }, /systemctl is not on PATH/],
    ['macOS without launchctl', 'darwin', { onPath: [] }, /launchctl is not on PATH/],
  ];
  for (const [name, platform, o, reason] of cases) {
    for (const argv of [['install'], ['install', '--dry-run'], ['status'], ['uninstall']]) {
      const m = machine(platform, o);
      await t.rejects(serviceCommand(argv, () => m.deps), { code: 'ServiceError', exitCode: 1, message: reason }, `${name}: ${argv.join(' ')}`);
      await t.rejects(serviceCommand(argv, () => m.deps), { message: /Run it yourself instead, in a terminal of its own: \/opt\/node\/bin\/node \S+\/dist\/cli\/main\.js serve$/ });
      t.same(m.calls, [], 'nothing run');
    }
  }
  const win = machine('linux');
  win.deps.platform = 'win32';
  await t.rejects(serviceCommand(['install'], () => win.deps), { message: /win32 has neither systemd nor launchd/ });
});

t.test('--manager skips detection, e.g. to preview the other platform', async (t) => {
  const m = machine('linux', { onPath: [] });
  t.equal(await serviceCommand(['install', '--dry-run', '--manager', 'launchd'], () => m.deps), 0);
  t.match(m.out(), /Library\/LaunchAgents\/io\.github\.aws-sso-agent\.plist/);
});

t.test('failures are one clear line and stop the install', async (t) => {
  const root = builtRoot();
  const m = machine('linux', { root });
  const real = m.deps.run;
  m.deps.run = async (cmd, args) => (args.includes('enable') ? (m.calls.push([cmd, ...args].join(' ')), fail(1, 'Failed to connect to bus: No medium found\nmore detail')) : real(cmd, args));
  await t.rejects(serviceCommand(['install'], () => m.deps), {
    code: 'ServiceError',
    message: '`systemctl --user enable --now sso-agent.socket sso-agent.service` failed (exit 1): Failed to connect to bus: No medium found',
  });

  const unbuilt = machine('linux', { root: tempDir(join(tmpdir(), 'sso-agent-nobuild-')) });
  for (const d of ['systemd', 'launchd']) {
    mkdirSync(join(unbuilt.deps.root, d));
    for (const f of readdirSync(join(packageRoot(), d))) writeFileSync(join(unbuilt.deps.root, d, f), readFileSync(join(packageRoot(), d, f)));
  }
  await t.rejects(serviceCommand(['install'], () => unbuilt.deps), { code: 'ServiceError', message: /dist\/cli\/main\.js does not exist.*run `npm run build` first/ });
  t.notOk(existsSync(unbuilt.file), 'nothing installed that could not run');
  t.equal(await serviceCommand(['install', '--dry-run'], () => unbuilt.deps), 0, 'a dry run still shows the plan');
  t.match(unbuilt.err(), /run `npm run build` before installing/);

  const bad = machine('linux', { root, env: { SSO_AGENT_PORT: 'lots' } });
  await t.rejects(serviceCommand(['install'], () => bad.deps), { code: 'InvalidInput', message: /SSO_AGENT_PORT=lots .* pass --port N/ });
});

t.test('install checks the agent really came up, and refuses to fight a hand-started one', async (t) => {
  const root = builtRoot();
  const dead = machine('linux', { root });
  let sleeps = 0;
  dead.deps.sleep = async () => { sleeps++; };
  dead.deps.fetchHealth = async (port) => ({ ok: false, error: `connection refused on ${port}` });
  await t.rejects(serviceCommand(['install'], () => dead.deps), {
    code: 'ServiceError',
    message: /^installed, but nothing answers on http:\/\/127\.0\.0\.1:8732\/health \(connection refused on 8732\): see `journalctl --user -u sso-agent`; status 224\/USER/,
  });
  t.equal(sleeps, 20, 'waited a bounded time');
  t.ok(existsSync(dead.file), 'the unit stays installed for the person to inspect');

  const mac = machine('darwin', { root });
  mac.deps.fetchHealth = async () => ({ ok: false, error: 'HTTP 404, not the agent\'s /health reply' });
  await t.rejects(serviceCommand(['install'], () => mac.deps), { message: /see ~\/Library\/Logs\/sso-agent\.log$/ });

  const busy = machine('linux', { root });
  busy.deps.agentPort = async () => 8732; // someone ran `sso-agent serve` in a terminal
  await t.rejects(serviceCommand(['install'], () => busy.deps), { code: 'ServiceError', message: /an agent started by hand is running \(port 8732\).*stop it first/ });
  t.notOk(existsSync(busy.file), 'nothing installed');
  t.same(busy.calls, [], 'no systemctl call made');
});

t.test('status names what is wrong: stopped, or running but not answering', async (t) => {
  const root = builtRoot();
  const m = machine('linux', { root });
  t.equal(await serviceCommand(['install'], () => m.deps), 0);
  // The agent crashed and systemd gave up: is-active says "failed".
  const real = m.deps.run;
  m.deps.run = async (cmd, args) => (args.includes('is-active') ? (m.calls.push('is-active'), fail(3, '', 'failed\n')) : real(cmd, args));
  m.deps.fetchHealth = async () => ({ ok: false, error: 'connection refused' });
  t.equal(await serviceCommand(['status'], () => m.deps), 1);
  t.match(m.out(), /running:   no \(failed\)/);
  t.match(m.err(), /installed but not running: see `journalctl --user -u sso-agent`/);

  m.deps.run = real;
  m.deps.fetchHealth = async () => ({ ok: false, error: 'no answer within 2000 ms' });
  t.equal(await serviceCommand(['status'], () => m.deps), 1);
  t.match(m.out(), /health:    no answer \(no answer within 2000 ms\) on http:\/\/127\.0\.0\.1:8732\/health \(port from service file\)/);
  t.match(m.err(), /running but \/health does not answer/);

  // systemctl cannot reach the manager at all: unknown, not a crash.
  m.deps.run = async () => fail(1, 'Failed to connect to bus: No such file or directory');
  t.equal(await serviceCommand(['status', '--json'], () => m.deps), 1);
  t.match(m.out(), /"state": "unknown"/);
});

t.test('usage errors exit 2 and name the fix', async (t) => {
  const m = machine('linux');
  const cases: Array<[string[], RegExp]> = [
    [[], /say what to do: `sso-agent service install`, `uninstall` or `status`/],
    [['start'], /\(not "start"\)/],
    [['install', 'extra'], /unexpected argument "extra"/],
    [['install', '--port', '0'], /--port takes a whole number from 1 to 65535/],
    [['install', '--manager', 'upstart'], /--manager takes systemd or launchd/],
    [['install', '--bogus'], /^service: unknown option --bogus; service accepts --dry-run, --port PORT, --json, --manager MANAGER, --persist PERSIST, --container-address CONTAINER_ADDRESS, --help$/],
  ];
  for (const [argv, msg] of cases) {
    await t.rejects(serviceCommand(argv, () => m.deps), { code: 'BadUsage', exitCode: 2, message: msg }, argv.join(' ') || '(none)');
  }
  t.same(m.calls, []);
});
