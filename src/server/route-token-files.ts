import { randomBytes } from 'node:crypto';
import { readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { routeToken } from './route-token.js';
import { ensurePrivateDir } from './runtime-files.js';

/**
 * One file per profile holding its current route token (route-token.ts), for `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`.
 * botocore, the JS SDK's fromHttp and the Go SDK read that file on every credential fetch, so a
 * shell that exported the path keeps working after the agent restarts with a new key: each start
 * rewrites every file already there, and every profile the catalog learns gets one.
 */
export const ROUTE_TOKEN_DIR = 'tokens';

/** Profile names are `[a-z0-9_-]` (profile-name.ts); encoding anyway keeps any other name inside the folder. */
export function routeTokenFilePath(runtimeDir: string, profile: string): string {
  return join(runtimeDir, ROUTE_TOKEN_DIR, encodeURIComponent(profile).replace(/^\./, '%2E'));
}

function profileOf(fileName: string): string | undefined {
  if (fileName.endsWith('.tmp')) return undefined;
  try {
    return decodeURIComponent(fileName);
  } catch {
    return undefined;
  }
}

/**
 * Writes the token with no trailing newline (botocore and the JS SDK send the file's bytes as the
 * header verbatim), 0600, through a rename so a client reading at that instant sees the old or the
 * new token, never half of one.
 */
export async function writeRouteTokenFile(runtimeDir: string, key: Buffer, profile: string): Promise<string> {
  await ensurePrivateDir(join(runtimeDir, ROUTE_TOKEN_DIR));
  const file = routeTokenFilePath(runtimeDir, profile);
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, routeToken(key, profile), { mode: 0o600, flag: 'wx' });
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  return file;
}

/** The profiles that have a token file, whether or not the catalog knows them yet. */
export async function profilesWithRouteTokenFiles(runtimeDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(join(runtimeDir, ROUTE_TOKEN_DIR));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.map(profileOf).filter((p): p is string => p !== undefined);
}

/** Removes the temp files a write cut short (SIGTERM, a crash) left behind; returns how many. */
export async function removeStaleTempFiles(runtimeDir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(join(runtimeDir, ROUTE_TOKEN_DIR));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const stale = names.filter((n) => n.endsWith('.tmp'));
  await Promise.all(stale.map((n) => unlink(join(runtimeDir, ROUTE_TOKEN_DIR, n)).catch(() => {})));
  return stale.length;
}

/**
 * Keeps the token files current, one write at a time, in the background: `want` says which
 * profiles need a file, and only a file whose token differs from the one last written is written.
 * An unchanged sync writes nothing; a start (a new key) writes every file once, after the agent
 * listens, while requests are served in between (one file per turn of the event loop).
 */
export class RouteTokenFileWriter {
  /** The token last written per profile (what the file holds, as far as this process knows). */
  private readonly written = new Map<string, string>();
  private readonly queue = new Set<string>();
  private running: Promise<void> | undefined;

  constructor(private readonly runtimeDir: string, private readonly key: Buffer, private readonly onError: (err: Error) => void) {}

  /** Queues the files of `profiles` whose token is not the one on disk. */
  want(profiles: Iterable<string>): void {
    for (const profile of profiles) {
      if (this.written.get(profile) !== routeToken(this.key, profile)) this.queue.add(profile);
    }
    if (this.queue.size) this.running ??= this.drain().finally(() => { this.running = undefined; });
  }

  /** The file of one profile, now (the `env` route prints its path). */
  async writeNow(profile: string): Promise<string> {
    this.queue.delete(profile);
    const file = await writeRouteTokenFile(this.runtimeDir, this.key, profile);
    this.written.set(profile, routeToken(this.key, profile));
    return file;
  }

  /** Resolves when every queued file is written. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Shutdown: the write under way finishes, the rest is dropped (the next start writes them). */
  async stop(): Promise<void> {
    this.queue.clear();
    await this.flush();
  }

  private async drain(): Promise<void> {
    for (const profile of this.queue) {
      this.queue.delete(profile);
      try {
        await this.writeNow(profile);
      } catch (err) {
        this.onError(err as Error);
      }
      await new Promise((r) => setImmediate(r));
    }
  }
}
