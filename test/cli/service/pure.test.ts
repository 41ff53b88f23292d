/** The pure pieces of `sso-agent service`: escaping, detection, unit/launchctl parsing, plans. */
import t from 'tap';
import { detectServiceManager, type PlatformFacts } from '../../../src/cli/service/platform.js';
import { systemdQuote } from '../../../src/cli/service/systemd-quote.js';
import { xmlEscape } from '../../../src/cli/service/xml-escape.js';
import { execStartArgv, expandSpecifiers, parseUnit, splitUnitWords, unitEnvironment, unitValues } from '../../../src/cli/service/parse-unit.js';
import { parseLaunchctlPrint } from '../../../src/cli/service/parse-launchctl-print.js';
import { renderTemplate } from '../../../src/cli/service/render-template.js';
import { checkInputs, type ServiceInputs } from '../../../src/cli/service/inputs.js';
import { plistPath, resolveInputs, unitPath } from '../../../src/cli/service/locations.js';
import { planLaunchdInstall, planLaunchdUninstall, planSystemdInstall, planSystemdUninstall } from '../../../src/cli/service/plan.js';
import { describePlan } from '../../../src/cli/service/execute-plan.js';

t.test('systemdQuote: accepted values and how they come out', async (t) => {
  const accepted: Array<[string, 'exec-path' | 'exec-arg' | 'value', string]> = [
    ['/usr/bin/node', 'exec-path', '/usr/bin/node'],
    ['/opt/my apps/node', 'exec-path', '/opt/my apps/node'],
    ['/opt/100%/node', 'exec-path', '/opt/100%%/node'],
    ['/opt/$HOME/node', 'exec-path', '/opt/$HOME/node'],
    ['/opt/$HOME/main.js', 'exec-arg', '/opt/$$HOME/main.js'],
    ['/a/%t/$x', 'exec-arg', '/a/%%t/$$x'],
    ['/home/u/.config/sso-agent/settings.json', 'value', '/home/u/.config/sso-agent/settings.json'],
    ['/a b/$x%', 'value', '/a b/$x%%'],
    ['/ünï/cödé', 'value', '/ünï/cödé'],
  ];
  for (const [v, ctx, want] of accepted) t.equal(systemdQuote(v, ctx), want, `${ctx} ${JSON.stringify(v)}`);
  const rejected = ['/a\nExecStartPre=/bin/evil', '/a\rb', '/a\tb', '/a\u0000b', '/a"b', '/a\\b', '/a\u007fb'];
  for (const v of rejected) {
    t.throws(() => systemdQuote(v, 'value'), { code: 'InvalidInput' }, `rejects ${JSON.stringify(v)}`);
  }
});

t.test('xmlEscape: accepted and rejected', async (t) => {
  const accepted: Array<[string, string]> = [
    ['/usr/local/bin/node', '/usr/local/bin/node'],
    ['/Users/a&b/<x>/"q"/\'s\'', '/Users/a&amp;b/&lt;x&gt;/&quot;q&quot;/&apos;s&apos;'],
    ['/Users/ünï/My Apps', '/Users/ünï/My Apps'],
  ];
  for (const [v, want] of accepted) t.equal(xmlEscape(v), want);
  for (const v of ['/a\nb', '/a\u0000b', '/a\u0001b', '/a\tb']) t.throws(() => xmlEscape(v), { code: 'InvalidInput' }, `rejects ${JSON.stringify(v)}`);
});

t.test('detectServiceManager: one case per branch', async (t) => {
  const base: PlatformFacts = { platform: 'linux', env: {}, hasSystemctl: true, hasLaunchctl: false, userBusSocket: false };
  const cases: Array<[string, Partial<PlatformFacts>, string, RegExp?]> = [
    ['linux, bus socket under XDG_RUNTIME_DIR', { env: { XDG_RUNTIME_DIR: '/run/user/1000' }, userBusSocket: true }, 'systemd'],
    ['linux, DBUS_SESSION_BUS_ADDRESS only', { env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus' } }, 'systemd'],
    ['linux, no systemctl', { hasSystemctl: false, env: { XDG_RUNTIME_DIR: '/run/user/1000' }, userBusSocket: true }, 'none', /systemctl is not on PATH/],
    ['linux, systemctl but no bus (container, su)', { env: { XDG_RUNTIME_DIR: '/run/user/0' } }, 'none', /no systemd user manager/],
    ['linux, a bus socket fact but no XDG_RUNTIME_DIR', { userBusSocket: true }, 'none', /no systemd user manager/],
    ['darwin with launchctl', { platform: 'darwin', hasLaunchctl: true, hasSystemctl: false }, 'launchd'],
    ['darwin without launchctl', { platform: 'darwin', hasLaunchctl: false }, 'none', /launchctl is not on PATH/],
    ['windows', { platform: 'win32' }, 'none', /win32 has neither systemd nor launchd/],
    ['freebsd', { platform: 'freebsd', hasLaunchctl: true }, 'none', /freebsd has neither/],
  ];
  for (const [name, facts, want, reason] of cases) {
    const d = detectServiceManager({ ...base, ...facts });
    t.equal(d.manager, want, name);
    if (reason && d.manager === 'none') t.match(d.reason, reason, `${name}: reason`);
  }
});

t.test('parseUnit and friends read units the way systemd does', async (t) => {
  const text = [
    '# comment', '; also a comment', '[Unit]', 'Description=x', '',
    '[Service]',
    'ExecStart="/opt/my node/node" "/srv/a $$b/main.js" \\',
    '  serve --port 1',
    'Environment="A=1" B=two',
    'Environment="C=%t/sso-agent" "D=100%%"',
    'Environment=A=3',
    '[Install]', 'WantedBy=default.target',
  ].join('\n');
  const unit = parseUnit(text);
  t.same(unitValues(unit, 'Unit', 'Description'), ['x']);
  t.same(unitValues(unit, 'Install', 'WantedBy'), ['default.target']);
  t.same(execStartArgv(text, {}), ['/opt/my node/node', '/srv/a $b/main.js', 'serve', '--port', '1']);
  t.same(unitEnvironment(text, { t: '/run/user/7' }), { A: '3', B: 'two', C: '/run/user/7/sso-agent', D: '100%' });

  t.same(splitUnitWords('a  "b c" d"e f"g'), ['a', 'b c', 'de fg']);
  t.same(splitUnitWords('"x\\"y" "\\\\"'), ['x"y', '\\']);
  t.throws(() => splitUnitWords('"open'), { code: 'InvalidInput' });
  t.equal(expandSpecifiers('%h/x%%y', { h: '/home/u' }), '/home/u/x%y');
  t.throws(() => expandSpecifiers('%Q', {}), /specifier %Q/);
  t.throws(() => parseUnit('Key=before any section'), { code: 'InvalidInput' });
  t.throws(() => execStartArgv('[Service]\nType=simple\n', {}), /one ExecStart= line, found 0/);
});

t.test('parseLaunchctlPrint takes top-level state, pid and last exit code only', async (t) => {
  const running = [
    'gui/501/io.github.aws-sso-agent = {',
    '\tactive count = 1',
    '\tpath = /Users/u/Library/LaunchAgents/io.github.aws-sso-agent.plist',
    '\tstate = running',
    '',
    '\tprogram = /usr/local/bin/node',
    '\targuments = {',
    '\t\t/usr/local/bin/node',
    '\t\tstate = not-a-top-level-key',
    '\t}',
    '\tpid = 4242',
    '\tlast exit code = (never exited)',
    '}',
  ].join('\n');
  t.same(parseLaunchctlPrint(running), { state: 'running', pid: 4242, lastExitCode: '(never exited)' });
  t.same(parseLaunchctlPrint('gui/501/x = {\n\tstate = not running\n\tlast exit code = 1\n}\n'), { state: 'not running', lastExitCode: '1' });
  t.same(parseLaunchctlPrint('Bad request.\nCould not find service "x" in domain for port\n'), {});
});

t.test('renderTemplate fails loudly when template and code drift', async (t) => {
  t.equal(renderTemplate('a=@A@ b=@B@ a=@A@', { A: '1', B: '2' }, 'x'), 'a=1 b=2 a=1');
  t.throws(() => renderTemplate('@A@ @C@', { A: '1' }, 'x'), /placeholder @C@ the installer does not fill/);
  t.throws(() => renderTemplate('@A@', { A: '1', B: '2' }, 'x'), /lacks placeholder\(s\) @B@/);
  t.equal(renderTemplate('user@example.com @ 2', {}, 'x'), 'user@example.com @ 2', 'a lone @ is not a placeholder');
});

t.test('checkInputs refuses what a service cannot run with', async (t) => {
  const good: ServiceInputs = {
    node: '/usr/bin/node', cli: '/opt/s/dist/cli/main.js', port: 8732, settingsFile: '/h/.config/sso-agent/settings.json',
    awsConfigFile: '/h/.aws/config', runtimeDir: '/run/user/1/sso-agent', logFile: '/h/Library/Logs/sso-agent.log', label: 'io.github.aws-sso-agent',
  };
  t.same(checkInputs(good), good);
  const bad: Array<[Partial<ServiceInputs>, RegExp]> = [
    [{ node: 'node' }, /absolute path for node/],
    [{ cli: 'dist/cli/main.js' }, /absolute path for cli/],
    [{ settingsFile: '~/.config/x' }, /absolute path for settingsFile/],
    [{ port: 0 }, /fixed port from 1 to 65535, not 0: pass --port N/],
    [{ port: 70000 }, /not 70000/],
    [{ port: 1.5 }, /not 1.5/],
    [{ label: '../evil' }, /not a usable launchd label/],
  ];
  for (const [patch, msg] of bad) t.throws(() => checkInputs({ ...good, ...patch }), msg, JSON.stringify(patch));
});

t.test('locations follow XDG and the SDK rules', async (t) => {
  t.equal(unitPath({ HOME: '/h' }), '/h/.config/systemd/user/sso-agent.service');
  t.equal(unitPath({ HOME: '/h', XDG_CONFIG_HOME: '/x' }), '/x/systemd/user/sso-agent.service');
  t.equal(unitPath({ HOME: '/h', XDG_CONFIG_HOME: 'relative' }), '/h/.config/systemd/user/sso-agent.service', 'XDG spec: relative values are ignored');
  t.equal(plistPath({ HOME: '/Users/u' }), '/Users/u/Library/LaunchAgents/io.github.aws-sso-agent.plist');
  // The same file `sso-agent config` writes (configFilePath, tested in config-pure).
  const awsConfigFile = (env: NodeJS.ProcessEnv) => resolveInputs(env, { node: '/n', root: '/r', port: 1 }).awsConfigFile;
  t.equal(awsConfigFile({ HOME: '/h' }), '/h/.aws/config');
  t.equal(awsConfigFile({ HOME: '/h', AWS_CONFIG_FILE: '~/alt/config' }), '/h/alt/config');
});

t.test('plans: install/uninstall for both managers', async (t) => {
  const sd = { unitPath: '/c/systemd/user/sso-agent.service', unit: 'U2', socketPath: '/c/systemd/user/sso-agent.socket', socket: 'S2', settingsDir: '/c/sso-agent' };
  const runs = (actions: ReturnType<typeof planSystemdInstall>) => actions.filter((a) => a.kind === 'run').map((a) => (a.kind === 'run' ? a.argv.join(' ') : ''));

  const fresh = planSystemdInstall({ ...sd, active: false });
  t.same(runs(fresh), ['systemctl --user daemon-reload', 'systemctl --user enable --now sso-agent.socket sso-agent.service'], 'the socket first: it holds the port');
  t.ok(fresh.some((a) => a.kind === 'write' && a.path === sd.unitPath && a.content === 'U2' && a.mode === 0o644));
  t.ok(fresh.some((a) => a.kind === 'write' && a.path === sd.socketPath && a.content === 'S2' && a.mode === 0o644));
  t.ok(fresh.some((a) => a.kind === 'mkdir' && a.path === '/c/sso-agent' && a.mode === 0o700), 'creates the settings dir the sandbox cannot');

  const same = planSystemdInstall({ ...sd, existing: 'U2', existingSocket: 'S2', active: true });
  t.notOk(same.some((a) => a.kind === 'write'), 'unchanged units are not rewritten');
  t.notOk(runs(same).some((r) => /restart|stop/.test(r)), 'nor is a running agent restarted (it would lose its tokens)');

  const changed = planSystemdInstall({ ...sd, existing: 'U1', existingSocket: 'S2', active: true });
  t.same(runs(changed).at(-1), 'systemctl --user restart sso-agent.service', 'a changed service restarts a running agent');
  t.match(describePlan(changed), /log in again/);
  t.notOk(runs(planSystemdInstall({ ...sd, existing: 'U1', existingSocket: 'S2', active: false })).some((r) => r.includes('restart')));

  // An agent from before the socket unit holds the port itself: stop it before the socket binds.
  t.same(runs(planSystemdInstall({ ...sd, existing: 'U1', active: true })), [
    'systemctl --user stop sso-agent.service', 'systemctl --user daemon-reload', 'systemctl --user enable --now sso-agent.socket sso-agent.service',
  ]);
  // A new port: the old socket unit must let go of the old one while the agent is stopped.
  t.same(runs(planSystemdInstall({ ...sd, existing: 'U1', existingSocket: 'S1', active: true })), [
    'systemctl --user stop sso-agent.service', 'systemctl --user daemon-reload', 'systemctl --user restart sso-agent.socket',
    'systemctl --user enable --now sso-agent.socket sso-agent.service',
  ]);

  t.same(runs(planSystemdUninstall({ unitPath: sd.unitPath, socketPath: sd.socketPath, installed: true, socketInstalled: true })), [
    'systemctl --user disable --now sso-agent.socket sso-agent.service', 'systemctl --user daemon-reload', 'systemctl --user reset-failed sso-agent.socket sso-agent.service',
  ]);
  t.same(planSystemdUninstall({ unitPath: sd.unitPath, socketPath: sd.socketPath, installed: true, socketInstalled: true }).filter((a) => a.kind === 'remove').map((a) => a.kind === 'remove' && a.path), [sd.unitPath, sd.socketPath]);
  t.same(planSystemdUninstall({ unitPath: sd.unitPath, socketPath: sd.socketPath, installed: false }).map((a) => a.kind), ['note']);

  const ld = { plistPath: '/U/Library/LaunchAgents/l.plist', plist: 'P2', label: 'l', uid: 501, logFile: '/U/Library/Logs/sso-agent.log', settingsDir: '/U/.config/sso-agent' };
  t.same(runs(planLaunchdInstall({ ...ld, loaded: false })), ['launchctl enable gui/501/l', 'launchctl bootstrap gui/501 /U/Library/LaunchAgents/l.plist']);
  t.same(runs(planLaunchdInstall({ ...ld, existing: 'P1', loaded: true })), ['launchctl bootout gui/501/l', 'launchctl enable gui/501/l', 'launchctl bootstrap gui/501 /U/Library/LaunchAgents/l.plist']);
  t.same(runs(planLaunchdInstall({ ...ld, existing: 'P2', loaded: true })), [], 'up to date and loaded: nothing to run');
  t.same(runs(planLaunchdInstall({ ...ld, existing: 'P2', loaded: false })), ['launchctl enable gui/501/l', 'launchctl bootstrap gui/501 /U/Library/LaunchAgents/l.plist'], 'on disk but not loaded: load it');
  const un = planLaunchdUninstall({ plistPath: ld.plistPath, label: 'l', uid: 501, installed: true, loaded: true, logFile: ld.logFile });
  t.same(runs(un), ['launchctl bootout gui/501/l']);
  t.ok(un.some((a) => a.kind === 'remove' && a.path === ld.plistPath));
});

t.test('describePlan shows every file and command', async (t) => {
  const text = describePlan(planSystemdInstall({ unitPath: '/c/u.service', unit: '[Service]\nExecStart=/x\n', socketPath: '/c/u.socket', socket: '[Socket]\nListenStream=127.0.0.1:1\n', settingsDir: '/c/s', active: false }));
  t.equal(text, [
    'mkdir -p -m 700 /c/s',
    'mkdir -p -m 755 /c',
    'write /c/u.service (mode 644):',
    '    [Service]',
    '    ExecStart=/x',
    'write /c/u.socket (mode 644):',
    '    [Socket]',
    '    ListenStream=127.0.0.1:1',
    'run systemctl --user daemon-reload',
    'run systemctl --user enable --now sso-agent.socket sso-agent.service',
    '',
  ].join('\n'));
});
