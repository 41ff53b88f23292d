import t from 'tap';
import { plistPath, resolveInputs, unitPath } from '../../../src/cli/service/locations.js';
import { planLaunchdInstall, planLaunchdUninstall, planSystemdInstall, planSystemdUninstall } from '../../../src/cli/service/plan.js';
import { describePlan } from '../../../src/cli/service/execute-plan.js';

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
