/**
 * The AWS config and credentials files `env`/`exec` hand the SDKs: the person's own files when
 * nothing in them would win over the agent, else private copies (0600, in the agent's runtime
 * dir) with the default profile's credential keys taken out (strip-default-credentials.ts).
 * The person's files are only read. Copies are named by their content, so shells that print the
 * same environment share one file and a copy is never rewritten under a running SDK.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigFileError } from '../../errors.js';
import { expandPath } from '../aws-config/config-path.js';
import { stripDefaultCredentials, type SharedFileKind } from './strip-default-credentials.js';
import { DERIVED_DIR, userValue } from './user-values.js';

const FILE_VAR: Record<SharedFileKind, 'AWS_CONFIG_FILE' | 'AWS_SHARED_CREDENTIALS_FILE'> = {
  config: 'AWS_CONFIG_FILE', credentials: 'AWS_SHARED_CREDENTIALS_FILE',
};

/** The file the SDKs would read for `kind`, seen through an earlier `env` in this shell. */
export function sharedFilePath(kind: SharedFileKind, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  const chosen = userValue(env, FILE_VAR[kind]);
  return chosen ? expandPath(chosen, env, cwd) : join(env.HOME || homedir(), '.aws', kind);
}

async function readIfThere(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigFileError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

async function writePrivate(dir: string, kind: SharedFileKind, text: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const file = join(dir, `${kind}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}`);
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  return file;
}

export interface SdkFiles {
  /** AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE as the SDKs must see them. */
  vars: Record<'AWS_CONFIG_FILE' | 'AWS_SHARED_CREDENTIALS_FILE', string>;
  /** What the copies leave out, for a note: `credential_process from [default] of ~/.aws/config`. */
  removed: string[];
}

export async function sdkFiles(env: NodeJS.ProcessEnv, runtimeDir: string): Promise<SdkFiles> {
  const vars = {} as SdkFiles['vars'];
  const removed: string[] = [];
  for (const kind of ['config', 'credentials'] as const) {
    const path = sharedFilePath(kind, env);
    vars[FILE_VAR[kind]] = path;
    const text = await readIfThere(path);
    if (text === undefined) continue;
    const r = stripDefaultCredentials(text, kind);
    if (!r.ok) {
      throw new ConfigFileError(`${path}, ${r.problem}. The SDKs would misread it, so the agent cannot vouch for which role signs`);
    }
    if (r.removed.length === 0) continue;
    vars[FILE_VAR[kind]] = await writePrivate(join(runtimeDir, DERIVED_DIR), kind, r.text);
    removed.push(...r.removed.map((k) => `${k.key} (line ${k.line} of ${path})`));
  }
  return { vars, removed };
}
