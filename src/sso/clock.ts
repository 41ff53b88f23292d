import { randomBytes } from 'node:crypto';
import type { Clock } from '../store/clock.js';

export type { Clock, TimerHandle } from '../store/clock.js';

/** Randomness as the agent core sees it: PKCE verifiers and states, and retry jitter. */
export interface Random {
  /** Uniform in [0, 1). */
  float(): number;
  bytes(n: number): Buffer;
}

export function systemClock(): Clock {
  const timers = new Map<number, NodeJS.Timeout>();
  let next = 1;
  return {
    now: () => Date.now(),
    setTimeout(fn, ms) {
      const id = next++;
      const t = setTimeout(() => { timers.delete(id); fn(); }, Math.max(0, ms));
      t.unref();
      timers.set(id, t);
      return { id };
    },
    clearTimeout(handle) {
      if (!handle) return;
      const t = timers.get(handle.id);
      if (t) { clearTimeout(t); timers.delete(handle.id); }
    },
  };
}

export function cryptoRandom(): Random {
  return {
    float: () => randomBytes(6).readUIntBE(0, 6) / 2 ** 48,
    bytes: (n) => randomBytes(n),
  };
}

/** Resolves after `ms` on the given clock. */
export function sleep(clock: Clock, ms: number, label?: string): Promise<void> {
  return new Promise((resolve) => { clock.setTimeout(resolve, ms, label); });
}
