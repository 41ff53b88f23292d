import { randomBytes } from 'node:crypto';
import type { Clock } from '../store/clock.js';

export type { Clock, TimerHandle } from '../store/clock.js';

/** Randomness as the agent core sees it: PKCE verifiers and states, and retry jitter. */
export interface Random {
  /** Uniform in [0, 1). */
  float(): number;
  bytes(n: number): Buffer;
}

/**
 * A gap between the wall clock and the monotonic one larger than this is a suspend (or the clock
 * set by hand); NTP's slewing moves it by milliseconds, and a busy event loop moves both clocks.
 */
export const CLOCK_JUMP_MS = 2_000;
/**
 * How often an idle agent looks for such a jump. Node's timers run on the monotonic clock, which
 * stops while the machine sleeps: after a resume, work that fell due meanwhile would otherwise
 * wait for as long as the machine slept.
 */
export const JUMP_CHECK_MS = 10_000;

/** The primitives the system clock is built on; tests pass their own to simulate a suspend. */
export interface ClockSources {
  wallNow(): number;
  monoNow(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
  every(fn: () => void, ms: number): unknown;
  stopEvery(timer: unknown): void;
}

const realSources: ClockSources = {
  wallNow: () => Date.now(),
  monoNow: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
  every: (fn, ms) => setInterval(fn, ms).unref(),
  stopEvery: (t) => clearInterval(t as NodeJS.Timeout),
};

interface Pending { fn: () => void; due: number; timer: unknown }

/**
 * The agent's clock: timers keep their due time on the wall clock, and `recheck` (every request,
 * and every JUMP_CHECK_MS) compares the two clocks; after a jump every timer already due runs and
 * the rest are re-armed for their wall-clock time. Credential renewal, token refresh and sync all
 * use this clock, so all of them catch up after a resume.
 */
export function systemClock(src: ClockSources = realSources): Clock & { recheck(): void; stop(): void } {
  const timers = new Map<number, Pending>();
  let next = 1;
  let offset = src.wallNow() - src.monoNow();
  const arm = (id: number, p: Pending, ms: number): void => {
    p.timer = src.setTimer(() => { timers.delete(id); p.fn(); }, Math.max(0, ms));
  };
  const recheck = (): void => {
    const drift = src.wallNow() - src.monoNow() - offset;
    if (Math.abs(drift) < CLOCK_JUMP_MS) return;
    offset += drift;
    const now = src.wallNow();
    const due: Pending[] = [];
    for (const [id, p] of timers) {
      src.clearTimer(p.timer);
      if (p.due <= now) { timers.delete(id); due.push(p); } else arm(id, p, p.due - now);
    }
    for (const p of due.sort((a, b) => a.due - b.due)) p.fn();
  };
  const check = src.every(recheck, JUMP_CHECK_MS);
  return {
    now: () => src.wallNow(),
    setTimeout(fn, ms) {
      const id = next++;
      const p: Pending = { fn, due: src.wallNow() + Math.max(0, ms), timer: undefined };
      timers.set(id, p);
      arm(id, p, ms);
      return { id };
    },
    clearTimeout(handle) {
      if (!handle) return;
      const p = timers.get(handle.id);
      if (p) { src.clearTimer(p.timer); timers.delete(handle.id); }
    },
    recheck,
    stop: () => src.stopEvery(check),
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
