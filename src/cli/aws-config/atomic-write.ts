import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigFileError } from '../../errors.js';

/** The file operations atomicWrite uses; tests swap one for a failing version. */
export interface WriteFs {
  open: typeof fsp.open;
  rename: typeof fsp.rename;
  unlink: typeof fsp.unlink;
  readFile: (path: string) => Promise<Buffer>;
  stat: typeof fsp.stat;
  realpath: typeof fsp.realpath;
  mkdir: typeof fsp.mkdir;
}

export const realFs: WriteFs = {
  open: fsp.open,
  rename: fsp.rename,
  unlink: fsp.unlink,
  readFile: (p) => fsp.readFile(p),
  stat: fsp.stat,
  realpath: fsp.realpath,
  mkdir: fsp.mkdir,
};

export interface AtomicWriteOptions {
  /**
   * The bytes the caller read and planned against. If the file no longer holds them (another
   * program wrote it meanwhile), nothing is written: overwriting would lose that program's change.
   */
  expected?: Buffer | null;
  /** Mode for a file that does not exist yet: 0600, as config can hold keys. */
  newFileMode?: number;
  fs?: WriteFs;
  random?: () => string;
}

export interface AtomicWriteResult {
  /** The path actually written (a symlink's target). */
  path: string;
  /** The backup of the previous content, when there was one. */
  backup?: string;
}

async function writeDurably(fs: WriteFs, path: string, data: Buffer, mode: number): Promise<void> {
  // 'wx': the temp name is fresh; never follow or clobber something already there.
  const fh = await fs.open(path, 'wx', mode);
  try {
    await fh.writeFile(data);
    // open()'s mode is filtered by the umask; chmod sets exactly the original file's mode.
    await fh.chmod(mode);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function removeQuietly(fs: WriteFs, path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch {
    // Already gone, or never created.
  }
}

async function syncDir(fs: WriteFs, dir: string): Promise<void> {
  // Makes the rename itself durable. Some filesystems refuse fsync on a directory; the rename
  // has still happened then, so that is not worth failing the command for.
  try {
    const fh = await fs.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* best effort */
  }
}

function kindOf(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Refuses, before anything opens it, a config path that is not a regular file or a symlink to
 * one: writing would replace a device (think `AWS_CONFIG_FILE=/dev/null` as root) or a dangling
 * link with a plain file, and reading a FIFO blocks forever. lstat/stat never open the file.
 * A path that does not exist yet is fine (it is created). `flag` is the option the fix names.
 */
export async function checkConfigTarget(file: string, flag = '--config-file'): Promise<void> {
  let link;
  try {
    link = await fsp.lstat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ConfigFileError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let st = link;
  if (link.isSymbolicLink()) {
    try {
      st = await fsp.stat(file);
    } catch (err) {
      const to = await fsp.readlink(file).catch(() => '?');
      throw new ConfigFileError(`${file} is a symlink to ${to}, which ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'cannot be read'}; nothing was written: fix the link or pass ${flag} PATH`, { cause: err });
    }
  }
  if (!st.isFile()) {
    const what = link.isSymbolicLink() ? `a symlink to ${kindOf(st)}` : kindOf(st);
    throw new ConfigFileError(`${file} is ${what}, not a config file; nothing was written: pass ${flag} PATH to a regular file`);
  }
}

/**
 * Replaces `file` with `data` so that a reader sees the old file or the new one, never a mix, and
 * a crash or failure at any step leaves the original in place: write a temp file in the same
 * folder (a rename across filesystems is not atomic), fsync it, keep the previous content as
 * `<file>.bak` (one backup, replaced each time), rename the temp file over the original, fsync the
 * folder. The original's mode is kept. A symlinked config (dotfile managers) is written through:
 * the link stays and its target changes.
 */
export async function atomicWrite(file: string, data: Buffer | string, opts: AtomicWriteOptions = {}): Promise<AtomicWriteResult> {
  const fs = opts.fs ?? realFs;
  const random = opts.random ?? (() => randomBytes(6).toString('hex'));
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;

  await checkConfigTarget(file);
  let target = file;
  let previous: Buffer | undefined;
  let mode = opts.newFileMode ?? 0o600;
  try {
    target = await fs.realpath(file);
    const st = await fs.stat(target);
    mode = st.mode & 0o7777;
    previous = await fs.readFile(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigFileError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
    await fs.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  }
  if (opts.expected !== undefined && !sameBytes(previous, opts.expected)) {
    throw new ConfigFileError(`${file} changed while sso-agent was preparing its update; nothing was written: run the command again`);
  }

  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.sso-agent-${random()}.tmp`);
  const backup = `${target}.bak`;
  const backupTmp = join(dir, `.${basename(target)}.bak.sso-agent-${random()}.tmp`);
  try {
    await writeDurably(fs, tmp, bytes, mode);
    if (previous !== undefined) {
      // The backup goes through its own temp file so an existing .bak is replaced atomically too.
      await writeDurably(fs, backupTmp, previous, mode);
      await fs.rename(backupTmp, backup);
    }
    await fs.rename(tmp, target);
  } catch (err) {
    await removeQuietly(fs, tmp);
    await removeQuietly(fs, backupTmp);
    throw new ConfigFileError(`could not write ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); it was left unchanged`, { cause: err });
  }
  await syncDir(fs, dir);
  return previous !== undefined ? { path: target, backup } : { path: target };
}

function sameBytes(a: Buffer | undefined, b: Buffer | null): boolean {
  if (a === undefined || b === null) return a === undefined && b === null;
  return a.equals(b);
}
