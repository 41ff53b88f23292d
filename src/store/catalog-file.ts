import { readFile } from 'node:fs/promises';
import { LatestFileWriter } from './latest-file-writer.js';
import type { CatalogSnapshot } from './catalog.js';

/**
 * The catalog's state file (account ids, account names, role names, profile names: nothing
 * secret), next to the settings file. Loading never fails the agent: a missing or damaged file
 * means "start with no known roles", and the reason is handed back for one log line.
 */
export async function loadCatalogFile(file: string): Promise<{ snapshot?: CatalogSnapshot; problem?: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { problem: `cannot read ${file}: ${(err as Error).message}` };
  }
  try {
    return { snapshot: checkSnapshot(JSON.parse(text)) };
  } catch (err) {
    return { problem: `${file} is not a catalog the agent wrote (${(err as Error).message}); it is rewritten at the next sync` };
  }
}

function checkSnapshot(raw: unknown): CatalogSnapshot {
  const o = raw as Partial<CatalogSnapshot> | null;
  if (!o || o.version !== 1 || !Array.isArray(o.sessions)) throw new Error('no version 1 "sessions" list');
  const str = (v: unknown): v is string => typeof v === 'string' && v !== '';
  return {
    version: 1,
    sessions: o.sessions.filter((s) => s && str(s.name) && Array.isArray(s.accounts)).map((s) => ({
      name: s.name,
      accounts: s.accounts.filter((a) => a && str(a.accountId) && typeof a.accountName === 'string' && Array.isArray(a.roles)).map((a) => ({
        accountId: a.accountId,
        accountName: a.accountName,
        stale: a.stale === true,
        roles: a.roles.filter((r) => r && str(r.roleName) && str(r.profile)).map((r) => ({ roleName: r.roleName, profile: r.profile })),
      })),
    })),
  };
}

/**
 * Writes snapshots one at a time, atomically (temp file + rename), 0600 in a 0700 folder. A save
 * while one is under way is folded into one more write of the latest state.
 */
export class CatalogFileWriter {
  private readonly writer: LatestFileWriter;

  constructor(file: string, private readonly onError: (err: Error) => void) {
    this.writer = new LatestFileWriter(file);
  }

  save(snapshot: CatalogSnapshot): void {
    this.writer.write(JSON.stringify(snapshot) + '\n').catch((err: Error) => this.onError(err));
  }

  /** Resolves when everything saved so far is on disk. */
  flush(): Promise<void> {
    return this.writer.flush();
  }
}
