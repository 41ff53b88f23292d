import { stripControls } from '../../strip-controls.js';
import type { SSOClient } from '@aws-sdk/client-sso';
import { loadPortalSdk } from '../clients.js';
import type { Logger } from 'pino';
import type { AccountListing } from '../../store/catalog.js';
import type { SyncProgress } from '../../core/types.js';
import type { Random } from '../clock.js';
import { AdaptivePacer } from './pacer.js';
import { classifyError, withRetry, type RetryPolicy } from '../retry-policy.js';
import { isTokenRejected } from '../aws-errors.js';

export interface ListOrganisationOptions {
  client: SSOClient;
  accessToken: string;
  policy: RetryPolicy;
  random: Random;
  logger: Logger;
  /** The last sync's listings: an account whose roles cannot be listed keeps these, marked stale. */
  previous?: ReadonlyMap<string, AccountListing>;
  /** Accounts listed at once. Bounded so 1 000 accounts never mean 1 000 sockets. */
  concurrency?: number;
  pageSize?: number;
  /** Called as pages of accounts arrive and as each account's roles are listed. */
  onProgress?: (p: SyncProgress) => void;
}

export interface OrganisationListing {
  accounts: Map<string, AccountListing>;
  failedAccounts: string[];
  calls: number;
  throttles: number;
}

export const DEFAULT_SYNC_CONCURRENCY = 8;

/**
 * ListAccounts (every page), then ListAccountRoles (every page) for each account. A failure to
 * list the accounts fails the whole sync (the caller keeps the old catalog); a failure for one
 * account after all retries keeps that account's last-known roles, marked stale. A rejected token
 * aborts everything: retrying cannot fix it and the caller must mark the session login-needed.
 */
export async function listOrganisation(o: ListOrganisationOptions): Promise<OrganisationListing> {
  const pacer = new AdaptivePacer({ now: o.policy.monotonicNow, sleep: o.policy.sleep });
  const pageSize = o.pageSize ?? 100;
  const { ListAccountsCommand, ListAccountRolesCommand } = loadPortalSdk();
  let calls = 0;

  const call = <T>(what: string, fn: () => Promise<T>): Promise<T> => withRetry(async () => {
    await pacer.acquire();
    calls++;
    try {
      const out = await fn();
      pacer.onSuccess();
      return out;
    } catch (err) {
      if (classifyError(err) === 'throttle') pacer.onThrottle();
      throw err;
    }
  }, o.policy, o.random, (err, attempt, delayMs) => {
    o.logger.debug({ what, attempt, delayMs, err: (err as Error).name }, 'retrying portal call');
  });

  const accountList: Array<{ accountId: string; accountName: string }> = [];
  let nextToken: string | undefined;
  do {
    const page = await call('ListAccounts', () => o.client.send(new ListAccountsCommand({ accessToken: o.accessToken, maxResults: pageSize, nextToken })));
    for (const a of page.accountList ?? []) {
      // Member-account owners choose the name: no control character of theirs reaches a terminal or a log.
      if (a.accountId) accountList.push({ accountId: a.accountId, accountName: stripControls(a.accountName ?? a.accountId) });
    }
    nextToken = page.nextToken || undefined;
    o.onProgress?.({ phase: 'accounts', accounts: accountList.length, listed: 0 });
  } while (nextToken);

  const accounts = new Map<string, AccountListing>();
  const failedAccounts: string[] = [];
  let fatal: unknown;
  let index = 0;
  let done = 0;
  o.onProgress?.({ phase: 'roles', accounts: accountList.length, listed: 0 });

  const listRoles = async (accountId: string): Promise<string[]> => {
    const roles: string[] = [];
    let token: string | undefined;
    do {
      const page = await call('ListAccountRoles', () => o.client.send(new ListAccountRolesCommand({ accessToken: o.accessToken, accountId, maxResults: pageSize, nextToken: token })));
      for (const r of page.roleList ?? []) if (r.roleName) roles.push(stripControls(r.roleName));
      token = page.nextToken || undefined;
    } while (token);
    return [...new Set(roles)].sort();
  };

  const worker = async (): Promise<void> => {
    while (fatal === undefined && index < accountList.length) {
      const account = accountList[index++]!;
      try {
        const roles = await listRoles(account.accountId);
        accounts.set(account.accountId, { ...account, roles, stale: false });
      } catch (err) {
        if (isTokenRejected(err)) { fatal = err; return; }
        failedAccounts.push(account.accountId);
        const last = o.previous?.get(account.accountId);
        accounts.set(account.accountId, { ...account, roles: last?.roles ?? [], stale: true });
        o.logger.warn({ accountId: account.accountId, err: (err as Error).name }, 'listing an account\'s roles failed; keeping its last-known roles');
      }
      o.onProgress?.({ phase: 'roles', accounts: accountList.length, listed: ++done });
    }
  };
  const n = Math.max(1, Math.min(o.concurrency ?? DEFAULT_SYNC_CONCURRENCY, accountList.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (fatal !== undefined) throw fatal;

  // Keep the portal's order (ListAccounts), not the order the workers finished in.
  const ordered = new Map<string, AccountListing>();
  for (const a of accountList) { const l = accounts.get(a.accountId); if (l) ordered.set(a.accountId, l); }
  return { accounts: ordered, failedAccounts, calls, throttles: pacer.throttles };
}
