import type { SessionConfig, SessionStatus, SignInEnd, SyncProgress } from '../core/types.js';
import type { Catalog } from '../store/catalog.js';
import type { StateView } from './tokens/session-state.js';

/** What `status` shows of one session, gathered from each owner's own view. */
export interface SessionFacts {
  config: SessionConfig;
  /** The token keeper's state (with the login's pending flag folded in). */
  state: StateView;
  tokenExpiresAt: number | undefined;
  refreshable: boolean;
  restored: boolean;
  sync: { lastSync?: number; lastError?: string; progress?: SyncProgress };
  /** When the held sign-in ends, as far as AWS says; undefined without a token. */
  signIn: SignInEnd | undefined;
}

/** The status view of a session: counts from the catalog, the rest from the owners' facts. */
export function sessionStatus(facts: SessionFacts, catalog: Catalog): SessionStatus {
  const { config, sync } = facts;
  const accounts = catalog.accounts(config.name);
  let roles = 0;
  let stale = 0;
  for (const a of accounts?.values() ?? []) { roles += a.roles.length; if (a.stale) stale++; }
  return {
    name: config.name,
    startUrl: config.startUrl,
    region: config.region,
    ...facts.state,
    ...(facts.tokenExpiresAt !== undefined ? { tokenExpiresAt: new Date(facts.tokenExpiresAt).toISOString() } : {}),
    refreshable: facts.refreshable,
    restored: facts.restored,
    ...(sync.lastSync !== undefined ? { lastSync: new Date(sync.lastSync).toISOString() } : {}),
    ...(sync.lastError ? { lastSyncError: sync.lastError } : {}),
    ...(sync.progress ? { syncProgress: sync.progress } : {}),
    accounts: accounts?.size ?? 0,
    roles,
    staleAccounts: stale,
    ...(facts.signIn ? { signIn: facts.signIn } : {}),
  };
}
