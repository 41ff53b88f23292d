import t from 'tap';
import { canOpenBrowser } from '../../src/cli/browser.js';

t.test('canOpenBrowser', async (t) => {
  const desktop = { DISPLAY: ':0' };
  const yes: [NodeJS.ProcessEnv, NodeJS.Platform, boolean][] = [
    [desktop, 'linux', false], [{ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', false], [{}, 'darwin', false], [{}, 'win32', false],
    [{ ...desktop, CI: 'false' }, 'linux', false], [{ ...desktop, CI: '0' }, 'linux', false],
  ];
  const no: [NodeJS.ProcessEnv, NodeJS.Platform, boolean, RegExp][] = [
    [{ ...desktop, SSH_CONNECTION: '10.0.0.1 5000 10.0.0.2 22' }, 'linux', false, /SSH/],
    [{ SSH_TTY: '/dev/pts/1' }, 'darwin', false, /SSH/],
    [{ SSH_CLIENT: '10.0.0.1 5000 22' }, 'darwin', false, /SSH/],
    [{ ...desktop, CI: 'true' }, 'linux', false, /CI/],
    [{ CI: '1' }, 'darwin', false, /CI/],
    [desktop, 'linux', true, /container/],
    [{}, 'linux', false, /display/],
    [{}, 'freebsd', false, /display/],
  ];
  for (const [env, platform, inContainer] of yes) t.same(canOpenBrowser({ env, platform, inContainer }), { canOpen: true }, `${platform} ${JSON.stringify(env)}`);
  for (const [env, platform, inContainer, reason] of no) {
    const d = canOpenBrowser({ env, platform, inContainer });
    t.equal(d.canOpen, false, `${platform} ${JSON.stringify(env)} container=${inContainer}`);
    if (!d.canOpen) t.match(d.reason, reason);
  }
});
