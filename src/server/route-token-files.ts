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

/** Rewrites the files of `profiles` plus every file already there, all under `key`. */
export async function rewriteRouteTokenFiles(runtimeDir: string, key: Buffer, profiles: Iterable<string>): Promise<number> {
  const all = new Set([...await profilesWithRouteTokenFiles(runtimeDir), ...profiles]);
  for (const profile of all) await writeRouteTokenFile(runtimeDir, key, profile);
  return all.size;
}
