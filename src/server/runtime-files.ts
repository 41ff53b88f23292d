import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { AgentAlreadyRunningError, InvalidInputError } from '../errors.js';

/** 32 bytes: the HMAC-SHA256 key size; more adds nothing, less weakens every profile token. */
export const AGENT_KEY_BYTES = 32;
export const AGENT_KEY_FILE = 'token.key';

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
 * The agent key lives beside the socket (a private runtime folder, never HOME or the repo) and is
 * reused across restarts, so `AWS_CONTAINER_AUTHORIZATION_TOKEN` values already exported in shells
 * keep working after the agent restarts.
 */
export async function loadOrCreateAgentKey(dir: string, random: (n: number) => Buffer = randomBytes): Promise<Buffer> {
  await ensurePrivateDir(dir);
  const file = join(dir, AGENT_KEY_FILE);
  try {
    // O_EXCL: two agents starting at once must not each write a different key.
    const handle = await open(file, 'wx', 0o600);
    try {
      const key = random(AGENT_KEY_BYTES);
      await handle.writeFile(key);
      return key;
    } finally {
      await handle.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = await lstat(file);
  if (!st.isFile() || (st.mode & 0o077) !== 0) {
    throw new InvalidInputError(`${file} is not a private file (mode ${(st.mode & 0o777).toString(8)}): delete it and restart the agent (exported tokens will change)`);
  }
  const key = await readFile(file);
  if (key.length !== AGENT_KEY_BYTES) {
    throw new InvalidInputError(`${file} is damaged (${key.length} bytes, expected ${AGENT_KEY_BYTES}): delete it and restart the agent (exported tokens will change)`);
  }
  return key;
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
  const alive = await new Promise<boolean>((resolve) => {
    const c = connect({ path: socket });
    const timer = setTimeout(() => { c.destroy(); resolve(true); }, PROBE_TIMEOUT_MS);
    c.once('connect', () => { clearTimeout(timer); c.destroy(); resolve(true); });
    c.once('error', () => { clearTimeout(timer); resolve(false); });
  });
  if (alive) throw new AgentAlreadyRunningError(socket);
  await unlink(socket).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
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
