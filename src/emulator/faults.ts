/**
 * Fault injection: latency, a portal-wide rate limit, a random failure share, and scripted
 * failures ("the next 2 ListAccountRoles get 429"). One instance per emulator; time and randomness
 * are injected so tests decide exactly which call fails.
 */
export interface FaultSettings {
  latencyMs: number;
  /** Requests per second across the portal API; 0 = unlimited. */
  rateLimit: number;
  /** Share (0..1) of portal and OIDC calls answered with 500. */
  failRate: number;
}

export interface FailNextSpec {
  count: number;
  status: number;
}

export type FaultDecision = { kind: 'ok' } | { kind: 'fail'; status: number; reason: 'failNext' | 'rateLimit' | 'failRate' };

export class Faults {
  settings: FaultSettings;
  private readonly failNext = new Map<string, FailNextSpec>();
  // Token bucket for the rate limit: full at start, refilled continuously at `rateLimit` per second.
  private tokens = 0;
  private lastRefill = 0;

  constructor(
    initial: Partial<FaultSettings>,
    private readonly now: () => number,
    private readonly random: () => number,
  ) {
    this.settings = { latencyMs: 0, rateLimit: 0, failRate: 0 };
    this.update(initial);
  }

  update(patch: Partial<FaultSettings> & { failNext?: Record<string, FailNextSpec> }): void {
    if (patch.latencyMs !== undefined) this.settings.latencyMs = patch.latencyMs;
    if (patch.failRate !== undefined) this.settings.failRate = patch.failRate;
    if (patch.rateLimit !== undefined) {
      this.settings.rateLimit = patch.rateLimit;
      this.tokens = Math.max(1, patch.rateLimit);
      this.lastRefill = this.now();
    }
    for (const [op, spec] of Object.entries(patch.failNext ?? {})) {
      if (spec.count > 0) this.failNext.set(op, { ...spec });
      else this.failNext.delete(op);
    }
  }

  pendingFailNext(): Record<string, FailNextSpec> {
    return Object.fromEntries([...this.failNext].map(([k, v]) => [k, { ...v }]));
  }

  /** Decides the fate of one call of `operation`; `rateLimited` for portal operations. */
  decide(operation: string, opts: { rateLimited: boolean; randomFailures: boolean }): FaultDecision {
    const scripted = this.failNext.get(operation);
    if (scripted) {
      scripted.count -= 1;
      if (scripted.count <= 0) this.failNext.delete(operation);
      return { kind: 'fail', status: scripted.status, reason: 'failNext' };
    }
    if (opts.rateLimited && this.settings.rateLimit > 0 && !this.take()) {
      return { kind: 'fail', status: 429, reason: 'rateLimit' };
    }
    if (opts.randomFailures && this.settings.failRate > 0 && this.random() < this.settings.failRate) {
      return { kind: 'fail', status: 500, reason: 'failRate' };
    }
    return { kind: 'ok' };
  }

  private take(): boolean {
    const rate = this.settings.rateLimit;
    const now = this.now();
    const elapsed = Math.max(0, now - this.lastRefill);
    // At least one token of capacity, so a limit below 1/s still lets a call through now and then.
    this.tokens = Math.min(Math.max(1, rate), this.tokens + (elapsed / 1000) * rate);
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}
