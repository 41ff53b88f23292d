import t from 'tap';
import type { Stats } from 'node:fs';
import { assertOwnSocket, unsafeSocketReason, type SocketProbe } from '../../src/cli/check-socket.js';

const ME = 1000;
const dir = (uid: number, mode: number, kind: 'dir' | 'link' | 'file' = 'dir') =>
  ({ uid, mode, isDirectory: () => kind === 'dir' }) as unknown as Stats;
const sock = (uid: number) => ({ uid, mode: 0o140600, isDirectory: () => false }) as unknown as Stats;

function probe(files: Record<string, Stats>): SocketProbe {
  return { uid: ME, lstat: (p) => files[p] };
}

t.test('accepted: the caller\'s own 0700 folder and socket, or nothing there yet', async (t) => {
  t.equal(unsafeSocketReason('/r/sso-agent/agent.sock', probe({ '/r/sso-agent': dir(ME, 0o40700), '/r/sso-agent/agent.sock': sock(ME) })), undefined);
  t.equal(unsafeSocketReason('/r/sso-agent/agent.sock', probe({ '/r/sso-agent': dir(ME, 0o40700) })), undefined, 'no socket: not running');
  t.equal(unsafeSocketReason('/r/sso-agent/agent.sock', probe({})), undefined, 'no folder: not running');
});

t.test('refused, naming the path: another user\'s folder, a loose mode, a link, another user\'s socket', async (t) => {
  const cases: Array<[Record<string, Stats>, RegExp]> = [
    [{ '/tmp/sso-agent-1000': dir(1001, 0o40755), '/tmp/sso-agent-1000/agent.sock': sock(1001) }, /\/tmp\/sso-agent-1000 belongs to another user \(uid 1001\)/],
    [{ '/tmp/sso-agent-1000': dir(1001, 0o40700) }, /belongs to another user/],
    [{ '/tmp/sso-agent-1000': dir(ME, 0o40755) }, /is open to other users \(mode 755\)/],
    [{ '/tmp/sso-agent-1000': dir(ME, 0o40770) }, /is open to other users \(mode 770\)/],
    [{ '/tmp/sso-agent-1000': dir(ME, 0o120777, 'link') }, /is not a real directory/],
    [{ '/tmp/sso-agent-1000': dir(ME, 0o40700), '/tmp/sso-agent-1000/agent.sock': sock(1001) }, /agent\.sock belongs to another user \(uid 1001\)/],
  ];
  for (const [files, why] of cases) {
    t.match(unsafeSocketReason('/tmp/sso-agent-1000/agent.sock', probe(files)), why);
    t.throws(() => assertOwnSocket('/tmp/sso-agent-1000/agent.sock', probe(files)), {
      code: 'UnsafeSocket', message: /refusing to use the agent socket \/tmp\/sso-agent-1000\/agent\.sock: .*XDG_RUNTIME_DIR or SSO_AGENT_SOCK/,
    });
  }
});
