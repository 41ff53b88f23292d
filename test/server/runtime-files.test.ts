import t from 'tap';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentAlreadyRunningError } from '../../src/errors.js';
import { assertSocketPathFits, ensurePrivateDir, listenPrivately, maxSocketPathBytes, newAgentKey, prepareSocketPath } from '../../src/server/runtime-files.js';

const mode = (p: string) => statSync(p).mode & 0o777;
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'sso-agent-rt-'));
  return d;
}

t.test('ensurePrivateDir creates 0700 folders and refuses open ones', async (t) => {
  const base = tmp();
  const dir = join(base, 'a', 'b');
  await ensurePrivateDir(dir);
  t.equal(mode(dir), 0o700);
  const open = join(base, 'open');
  mkdirSync(open, { mode: 0o755 });
  chmodSync(open, 0o755);
  await t.rejects(ensurePrivateDir(open), { code: 'InvalidInput', message: /open to other users \(mode 755\).*chmod 700/ });
  t.equal(mode(open), 0o755, 'a folder we did not create is not chmod\'ed behind the user\'s back');
  const file = join(base, 'file');
  writeFileSync(file, '');
  await t.rejects(ensurePrivateDir(file), { code: 'InvalidInput' });
});

t.test('the agent key: 32 random bytes, new for every process, never written anywhere', async (t) => {
  const k1 = newAgentKey();
  const k2 = newAgentKey();
  t.equal(k1.length, 32);
  t.notOk(k1.equals(k2), 'each start gets another key, so a token captured before a restart is worthless after it');
  t.ok(newAgentKey((n) => Buffer.alloc(n, 7)).equals(Buffer.alloc(32, 7)), 'randomness is injectable');
});

t.test('a socket path over the unix-socket limit is refused with the limit and the fix', async (t) => {
  t.equal(maxSocketPathBytes('linux'), 107);
  t.equal(maxSocketPathBytes('darwin'), 103);
  t.doesNotThrow(() => assertSocketPathFits('/' + 'a'.repeat(106), 'linux'));
  t.throws(() => assertSocketPathFits('/' + 'a'.repeat(107), 'linux'), { code: 'InvalidInput', message: /108 bytes, over the 107-byte limit.*shorter --socket/ });
  t.throws(() => assertSocketPathFits('/' + 'a'.repeat(103), 'darwin'), { code: 'InvalidInput', message: /over the 103-byte limit/ });
  // Bytes, not characters: the kernel counts bytes.
  t.throws(() => assertSocketPathFits('/' + 'é'.repeat(60), 'linux'), { code: 'InvalidInput' });
});

t.test('prepareSocketPath: nothing there, a stale socket, a live one, a file', async (t) => {
  const dir = tmp();
  const sock = join(dir, 'agent.sock');
  await prepareSocketPath(sock);
  t.notOk(existsSync(sock));

  // A crashed agent: a process that listened and was SIGKILLed leaves the socket file behind.
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  t.ok(statSync(sock).isSocket(), 'a stale socket is left over');
  await prepareSocketPath(sock);
  t.notOk(existsSync(sock), 'the stale socket was removed');

  const live = createServer();
  await new Promise<void>((r) => live.listen(sock, r));
  t.teardown(() => new Promise<void>((r) => live.close(() => r())));
  await t.rejects(prepareSocketPath(sock), AgentAlreadyRunningError);
  await t.rejects(prepareSocketPath(sock), { code: 'AgentAlreadyRunning', message: /already running/ });
  t.ok(existsSync(sock), 'a live socket is left alone');

  const file = join(dir, 'not-a-socket');
  writeFileSync(file, 'x');
  await t.rejects(prepareSocketPath(file), { code: 'InvalidInput', message: /not a socket/ });
  t.equal(readFileSync(file, 'utf8'), 'x', 'and never deleted');
});

t.test('listenPrivately: the socket is 0600 and the umask is restored', async (t) => {
  const sock = join(tmp(), 'agent.sock');
  const before = process.umask();
  const server = createServer();
  await listenPrivately(sock, () => new Promise<void>((r) => server.listen(sock, r)));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  t.equal(mode(sock), 0o600);
  t.equal(process.umask(), before);
});
