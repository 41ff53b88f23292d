/**
 * Adaptive pacing for one sync: no limit until the first throttle, then a request rate that starts
 * at what got through in the last second, drops by 30 % on each throttling episode and climbs
 * back by about one request per second per second (AIMD, as TCP and the SDKs' adaptive mode do).
 */
/** Requests per second after a throttle with no recent success to measure from. */
export const FALLBACK_RATE = 10;

export interface PacerOptions {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  minRate?: number;
  maxRate?: number;
}

export class AdaptivePacer {
  private rate: number | undefined;
  private nextSlot = 0;
  private lastDecrease = -Infinity;
  private readonly successes: number[] = [];
  private readonly minRate: number;
  private readonly maxRate: number;
  throttles = 0;

  constructor(private readonly opts: PacerOptions) {
    this.minRate = opts.minRate ?? 1;
    this.maxRate = opts.maxRate ?? 1000;
  }

  /** Current requests per second, or undefined while unthrottled. */
  currentRate(): number | undefined {
    return this.rate;
  }

  /** Waits for this request's turn. */
  async acquire(): Promise<void> {
    if (this.rate === undefined) return;
    const now = this.opts.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.rate;
    if (slot > now) await this.opts.sleep(slot - now);
  }

  onSuccess(): void {
    const now = this.opts.now();
    this.successes.push(now);
    while (this.successes.length && this.successes[0]! < now - 1000) this.successes.shift();
    if (this.rate !== undefined) this.rate = Math.min(this.maxRate, this.rate + 1 / this.rate);
  }

  onThrottle(): void {
    this.throttles++;
    const now = this.opts.now();
    // Throttles of requests sent before the last decrease say nothing new: one cut per episode.
    if (now - this.lastDecrease < 1000) return;
    this.lastDecrease = now;
    if (this.rate === undefined) {
      const recent = this.successes.filter((t) => t >= now - 1000).length;
      // Throttled before anything got through (someone else is using the quota): start where the
      // published mitigations for IAM Identity Center do, not at the floor.
      this.rate = Math.max(this.minRate, recent > 0 ? recent * 0.9 : FALLBACK_RATE);
    } else {
      // What got through in the last second is what the limit lets through now. Pacing just under
      // it keeps a fast limit's throughput (climbing back from a 30 % cut at ~1 req/s per second
      // would take half a minute at 100/s); the 30 % cut still applies when little got through
      // (the quota is shared with someone else, or the limit dropped).
      const recent = this.successes.filter((t) => t >= now - 1000).length;
      this.rate = Math.max(this.minRate, Math.min(this.rate, Math.max(this.rate * 0.7, recent * 0.95)));
    }
    this.nextSlot = Math.max(this.nextSlot, now + 1000 / this.rate);
  }
}
