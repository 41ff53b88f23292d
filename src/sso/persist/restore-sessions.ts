import type { Logger } from '../../logger.js';
import type { SessionConfig } from '../../core/types.js';
import type { Clock } from '../clock.js';
import type { SessionVault, VaultRecord } from './session-vault.js';

/**
 * The agent listens after at most this long even if a restored session's refresh or first sync is
 * still under way (an offline laptop at boot); that work goes on in the background.
 */
export const RESTORE_WAIT_MS = 10_000;

/** Why a stored record cannot bring its session back, or undefined when it can. */
export function unusableBecause(record: VaultRecord, config: SessionConfig, now: number): string | undefined {
  if (record.startUrl !== config.startUrl || record.region !== config.region) return 'the session now has another start URL or region';
  if (record.scopes.join(' ') !== config.scopes.join(' ')) return 'the session now asks for other scopes';
  if (record.token.expiresAt > now) return undefined;
  if (!record.token.refreshToken) return 'its token has expired and cannot be refreshed';
  if (record.registration.expiresAt <= now) return 'its OIDC client registration has expired';
  return undefined;
}

export interface RestoreOptions {
  vault: SessionVault;
  logger: Logger;
  clock: Clock;
  sessions: SessionConfig[];
  /** Takes the record as if a login had just produced it: sets the token, refreshes it if due, syncs. */
  adopt(session: string, record: VaultRecord): Promise<void>;
  waitMs?: number;
}

/**
 * Brings back the sessions kept in the vault. Items of sessions no longer configured are deleted
 * (that is how a session is removed); records that no longer fit their session are deleted too.
 */
export async function restoreSessions(o: RestoreOptions): Promise<void> {
  const byName = new Map(o.sessions.map((c) => [c.name, c]));
  const stored = await o.vault.list();
  for (const name of stored) {
    if (!byName.has(name)) {
      o.logger.info({ session: name }, 'deleting the keychain item of a session that is no longer configured');
      o.vault.remove(name);
    }
  }
  const adopting: Promise<void>[] = [];
  for (const name of stored.filter((n) => byName.has(n))) {
    const record = await o.vault.load(name);
    if (!record) continue;
    const why = unusableBecause(record, byName.get(name)!, o.clock.now());
    if (why) {
      o.logger.info({ session: name, why }, 'not restoring the session from the keychain; log in again');
      o.vault.remove(name);
      continue;
    }
    o.logger.info({ session: name, tokenExpiresAt: new Date(record.token.expiresAt).toISOString(), refreshable: Boolean(record.token.refreshToken) },
      'session restored from the keychain');
    adopting.push(o.adopt(name, record).catch((err: unknown) => {
      o.logger.warn({ session: name, err: (err as { code?: string }).code ?? (err as Error).name }, 'a restored session could not be refreshed or synced yet; the next request or sync tries again');
    }));
  }
  if (adopting.length === 0) return;
  // A real, ref'd timer: the core's own timers are unref'd, and before the agent listens nothing
  // else may hold the process open while a restored session waits out a retry.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(adopting),
    new Promise<void>((r) => { timer = setTimeout(r, o.waitMs ?? RESTORE_WAIT_MS); }),
  ]);
  clearTimeout(timer);
}
