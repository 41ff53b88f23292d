import type { SSOClient } from '@aws-sdk/client-sso';
import { LoginRequiredError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Catalog } from '../../store/catalog.js';
import { SingleFlight } from '../../store/single-flight.js';
import type { SessionConfig, SyncProgress, SyncSummary } from '../../core/types.js';
import { mapPortalError } from '../aws-errors.js';
import type { Clock, Random, TimerHandle } from '../clock.js';
import type { RetryPolicy } from '../retry-policy.js';
import { catalogDiff, describeDiff } from './catalog-diff.js';
import { listOrganisation } from './list-organisation.js';

export const DEFAULT_SYNC_INTERVAL_MS = 8 * 3600_000;

export interface SyncSchedulerOptions {
  clock: Clock;
  random: Random;
  policy: RetryPolicy;
  logger: Logger;
  catalog: Catalog;
  intervalMs: number;
  concurrency?: number;
  portal: (session: string) => SSOClient;
  config: (session: string) => SessionConfig;
  /** The token keeper's gate: runs the listing with a fresh token, refreshing once if the portal rejects it. */
  withFreshToken: <T>(session: string, fn: (accessToken: string) => Promise<T>) => Promise<T>;
}

interface SyncState {
  timer?: TimerHandle;
  lastSync?: number;
  lastError?: string;
  lastSummary?: SyncSummary;
  /** Set while a sync runs: how far its listing got (status shows it; `sync` prints it). */
  progress?: SyncProgress;
}

/**
 * The one owner of listing: a sync runs at login, every `intervalMs` after the last one, and on
 * request; never because a token was refreshed. One sync per session at a time (a second request
 * joins). The interval timer runs whether or not the session has a refresh token; a sync that finds
 * the session needs a login stops it until the next login.
 */
export class SyncScheduler {
  private readonly states = new Map<string, SyncState>();
  private readonly flights = new SingleFlight<SyncSummary>();
  private closed = false;

  constructor(private readonly opts: SyncSchedulerOptions) {}

  private state(session: string): SyncState {
    let s = this.states.get(session);
    if (!s) { s = {}; this.states.set(session, s); }
    return s;
  }

  status(session: string): { lastSync?: number; lastError?: string; progress?: SyncProgress } {
    const s = this.states.get(session);
    return {
      ...(s?.lastSync !== undefined ? { lastSync: s.lastSync } : {}), ...(s?.lastError ? { lastError: s.lastError } : {}),
      ...(s?.progress ? { progress: s.progress } : {}),
    };
  }

  /** Syncs now (joining one under way). */
  run(session: string): Promise<SyncSummary> {
    const p = this.flights.run(session, () => this.doSync(session));
    p.catch(() => { /* logged by doSync */ });
    return p;
  }

  /** The sync under way, else the last summary, else a new sync. */
  latest(session: string): Promise<SyncSummary> {
    const last = this.states.get(session)?.lastSummary;
    if (last && !this.flights.has(session)) return Promise.resolve(last);
    return this.run(session);
  }

  /** The session logged out: no more interval syncs until the next login. */
  stop(session: string): void {
    const s = this.states.get(session);
    if (!s) return;
    this.opts.clock.clearTimeout(s.timer);
    s.timer = undefined;
  }

  close(): void {
    this.closed = true;
    for (const name of this.states.keys()) this.stop(name);
  }

  private schedule(session: string): void {
    const s = this.state(session);
    this.opts.clock.clearTimeout(s.timer);
    s.timer = undefined;
    if (this.closed) return;
    s.timer = this.opts.clock.setTimeout(() => {
      s.timer = undefined;
      void this.run(session);
    }, this.opts.intervalMs, 'sync-interval');
  }

  private async doSync(session: string): Promise<SyncSummary> {
    const { catalog, logger, policy } = this.opts;
    const s = this.state(session);
    const started = policy.monotonicNow();
    const before = catalog.rolesOf(session);
    let listing;
    try {
      listing = await this.opts.withFreshToken(session, (accessToken) => listOrganisation({
        client: this.opts.portal(session),
        accessToken,
        policy,
        random: this.opts.random,
        logger,
        previous: catalog.accounts(session),
        ...(this.opts.concurrency ? { concurrency: this.opts.concurrency } : {}),
        onProgress: (p) => { s.progress = p; },
      }));
    } catch (err) {
      s.progress = undefined;
      const mapped = mapPortalError(err, this.opts.config(session), `listing the accounts of SSO session ${session}`);
      s.lastError = mapped.message;
      logger.warn({ session, err: mapped.code }, 'sync failed; keeping the previous catalog');
      // Upstream trouble: the next interval tries again. A session that needs a login waits for it.
      if (mapped instanceof LoginRequiredError) this.stop(session);
      else this.schedule(session);
      throw mapped;
    }
    s.progress = undefined;
    catalog.setAccounts(session, listing.accounts);
    const after = catalog.rolesOf(session);
    const diff = catalogDiff(before, after);
    const summary: SyncSummary = {
      session,
      accounts: listing.accounts.size,
      roles: after.length,
      added: diff.added.length,
      removed: diff.removed.length,
      failedAccounts: listing.failedAccounts.length,
      durationMs: Math.round(policy.monotonicNow() - started),
    };
    s.lastSync = this.opts.clock.now();
    s.lastError = listing.failedAccounts.length
      ? `${listing.failedAccounts.length} account(s) could not be listed; their roles are last-known`
      : undefined;
    s.lastSummary = summary;
    const shown = describeDiff(diff);
    logger.info({
      session, accounts: summary.accounts, roles: summary.roles, added: summary.added, removed: summary.removed,
      addedRoles: shown.added, removedRoles: shown.removed, failedAccounts: summary.failedAccounts,
      calls: listing.calls, throttled: listing.throttles, durationMs: summary.durationMs,
    }, 'sync finished');
    this.schedule(session);
    return summary;
  }
}
