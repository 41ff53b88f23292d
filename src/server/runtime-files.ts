import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { AgentAlreadyRunningError, InvalidInputError } from '../errors.js';

/** 32 bytes: the HMAC-SHA256 key size; more adds nothing, less weakens every profile token. */
export const AGENT_KEY_BYTES = 32;

/**
 * Makes sure `dir` exists, is a real directory owned by this user and readable by nobody else.
 * A folder we did not create with looser permissions is refused rather than chmod'ed: it may be
 * the user's HOME or a shared folder given with --socket, and silently tightening it would surprise.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  const st = await lstat(dir);
  if (!st.isDirectory()) {
    throw new InvalidInputError(`${dir} is not a directory: pass --socket with a path inside a private folder`);
  }
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
    throw new InvalidInputError(`${dir} belongs to another user: pass --socket with a path inside a folder you own`);
  }
  if ((st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8);
    throw new InvalidInputError(`${dir} is open to other users (mode ${mode}): run \`chmod 700 ${dir}\`, or pass --socket with a path inside a private folder`);
  }
}

/**
 * A fresh key for every process, held in memory only: a token captured while the agent was down
 * (another local user squatting the port) is worthless once it starts again. Shells keep working
 * through the token files (route-token-files.ts), which each start rewrites.
 */
export function newAgentKey(random: (n: number) => Buffer = randomBytes): Buffer {
  return random(AGENT_KEY_BYTES);
}

/**
 * sun_path holds 108 bytes on Linux and 104 on macOS and the BSDs, the final NUL included. A longer
 * path is silently cut by the kernel, so the socket would appear under another name: refuse first.
 */
export function maxSocketPathBytes(platform: NodeJS.Platform = process.platform): number {
  return (platform === 'linux' ? 108 : 104) - 1;
}

export function assertSocketPathFits(socket: string, platform: NodeJS.Platform = process.platform): void {
  const bytes = Buffer.byteLength(socket, 'utf8');
  const max = maxSocketPathBytes(platform);
  if (bytes > max) {
    throw new InvalidInputError(`the socket path is ${bytes} bytes, over the ${max}-byte limit of unix sockets here: pass a shorter --socket (or SSO_AGENT_SOCK), e.g. under $XDG_RUNTIME_DIR`);
  }
}

/** How long a live agent has to accept a connection before its socket counts as dead. */
const PROBE_TIMEOUT_MS = 1000;

/**
 * Gets `socket` ready to listen on: a stale socket from a crashed run (nobody answers) is removed,
 * a live one means another agent is running and is refused.
 */
export async function prepareSocketPath(socket: string): Promise<void> {
  let st;
  try {
    st = await lstat(socket);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!st.isSocket()) {
    throw new InvalidInputError(`${socket} exists and is not a socket: remove it or pass --socket with another path`);
  }
  if (await socketAnswers(socket)) throw new AgentAlreadyRunningError(socket);
  await unlink(socket).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
}

/** True when something accepts connections on the unix socket `socket` (a live agent). */
export function socketAnswers(socket: string): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const c = connect({ path: socket });
    const timer = setTimeout(() => { c.destroy(); resolve(true); }, PROBE_TIMEOUT_MS);
    c.once('connect', () => { clearTimeout(timer); c.destroy(); resolve(true); });
    c.once('error', () => { clearTimeout(timer); resolve(false); });
  });
}

/**
 * Runs `listen` with a umask that makes the socket 0600 from its first instant (no window where
 * another user could connect), then chmods it anyway for platforms that ignore umask on sockets.
 */
export async function listenPrivately(socket: string, listen: () => Promise<unknown>): Promise<void> {
  const old = process.umask(0o177);
  try {
    await listen();
  } finally {
    process.umask(old);
  }
  await chmod(socket, 0o600);
}
