import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every regular file below `dir` (symlinks are not followed), for "no secret in any file" checks. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    const st = lstatSync(p);
    return st.isDirectory() ? filesUnder(p) : st.isFile() ? [p] : [];
  });
}
