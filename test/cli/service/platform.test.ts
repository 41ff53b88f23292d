import t from 'tap';
import { detectServiceManager, type PlatformFacts } from '../../../src/cli/service/platform.js';

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
