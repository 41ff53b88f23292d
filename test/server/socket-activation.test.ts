import t from 'tap';
import { SD_LISTEN_FDS_START, assertLoopbackAddress, inheritedListenFd } from '../../src/server/socket-activation.js';

t.test('LISTEN_FDS/LISTEN_PID: fd 3 only when meant for this process; the variables never reach a child', async (t) => {
  const env: NodeJS.ProcessEnv = { LISTEN_FDS: '1', LISTEN_PID: '4242', LISTEN_FDNAMES: 'sso-agent.socket', PATH: '/bin' };
  t.equal(inheritedListenFd(env, 4242), SD_LISTEN_FDS_START);
  t.same(env, { PATH: '/bin' }, 'removed, so `exec` and a browser never see them');

  const other: NodeJS.ProcessEnv = { LISTEN_FDS: '1', LISTEN_PID: '1' };
  t.equal(inheritedListenFd(other, 4242), undefined, 'meant for another process (a parent that did not clear them): bind our own port');
  t.same(other, {});
  t.equal(inheritedListenFd({}, 4242), undefined, 'started by hand');
  t.equal(inheritedListenFd({ LISTEN_FDS: '0', LISTEN_PID: '7' }, 7), undefined);
  t.throws(() => inheritedListenFd({ LISTEN_FDS: '2', LISTEN_PID: '7' }, 7), { code: 'InvalidInput', message: /passed 2 sockets.*single ListenStream/ });
});

t.test('an inherited socket must listen on loopback', async (t) => {
  for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) t.doesNotThrow(() => assertLoopbackAddress(a), a);
  for (const a of ['0.0.0.0', '::', '192.168.1.4']) t.throws(() => assertLoopbackAddress(a), { code: 'InvalidInput', message: /loopback only.*ListenStream=127\.0\.0\.1:PORT/ }, a);
});
