/**
 * A second unix user for the cross-user tests (another local user attacking the agent), made with a
 * unique name and removed when the test ends. Needs root (CI runs as root).
 * (Not named *.test.ts, so tap does not run it as a test file.)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface OtherUser { name: string; uid: number }

/** Undefined when not root: the caller reports t.skip. */
export function createOtherUser(t: { teardown(fn: () => void): void }, prefix: string): OtherUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const name = `${prefix}${randomBytes(3).toString('hex')}`;
  const r = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`useradd ${name} failed: ${r.stderr}`);
  t.teardown(() => {
    // runuser does not always pass a signal on: whatever still runs as this user (the test made
    // it, and only this test uses the name) is ended by pid, then the user can go.
    const pids = spawnSync('pgrep', ['-u', name], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } }
    spawnSync('userdel', [name]);
  });
  const uid = Number(spawnSync('id', ['-u', name], { encoding: 'utf8' }).stdout.trim());
  return { name, uid };
}

export interface AsUser {
  child: ChildProcess; lines: string[]; err(): string; exited: Promise<number | null>;
  /** SIGTERM (runuser passes it on; a SIGKILL would orphan the program), then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Runs `cmd args` as `user` with exactly `env` (`env -i`: nothing of this process follows the other
 * user); stdout is collected line by line.
 */
export function runAs(user: string, cmd: string, args: string[], env: Record<string, string> = {}): AsUser {
  const pairs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const child = spawn('runuser', ['-u', user, '--', 'env', '-i', ...pairs, cmd, ...args], { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  let buf = '';
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { lines.push(buf.slice(0, i)); buf = buf.slice(i + 1); }
  });
  child.stderr!.on('data', (c) => { err += c; });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => { if (buf) lines.push(buf); resolve(code); }));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return { child, lines, err: () => err, exited, stop };
}
