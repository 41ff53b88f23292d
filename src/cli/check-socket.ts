import { lstatSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { UnsafeSocketError } from '../errors.js';

/** What the check reads of the file system; tests pass their own. */
export interface SocketProbe {
  uid: number | undefined;
  lstat(path: string): Stats | undefined;
}

const machine: SocketProbe = {
  uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
  lstat(path) {
    try {
      return lstatSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
};

/**
 * Why the client must not talk to `socket`, or undefined when it may. Another local user who
 * creates the folder first (the shared temp dir) could run a fake agent there and hand out their
 * keys, a phishing login URL or their endpoint: so the folder must be a real directory of the
 * caller's with mode 0700 (as `serve` makes it), and the socket the caller's. A missing folder or
 * socket passes: connecting then says the agent is not running.
 */
export function unsafeSocketReason(socket: string, probe: SocketProbe = machine): string | undefined {
  if (probe.uid === undefined) return undefined; // Windows: no owners to compare
  const dir = dirname(socket);
  const d = probe.lstat(dir);
  if (!d) return undefined;
  if (!d.isDirectory()) return `${dir} is not a real directory`;
  if (d.uid !== probe.uid) return `${dir} belongs to another user (uid ${d.uid})`;
  if ((d.mode & 0o077) !== 0) return `${dir} is open to other users (mode ${(d.mode & 0o777).toString(8)})`;
  const s = probe.lstat(socket);
  if (s && s.uid !== probe.uid) return `${socket} belongs to another user (uid ${s.uid})`;
  return undefined;
}

/** Throws the UnsafeSocketError naming the path and the fix; called before every connection. */
export function assertOwnSocket(socket: string, probe: SocketProbe = machine): void {
  const why = unsafeSocketReason(socket, probe);
  if (why) throw new UnsafeSocketError(socket, why);
}
