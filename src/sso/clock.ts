import { randomBytes } from 'node:crypto';

/** An opaque timer handle; only the clock that made it can cancel it. */
export interface TimerHandle { readonly id: number }

/**
 * Time as the agent core sees it. Every timer is unref'd (a pending refresh must never keep the
 * process alive) and carries a label, so a test driving a ManualClock can wait for "the next device
 * poll" rather than guess how long real I/O takes.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number, label?: string): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

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

interface ManualTimer { id: number; due: number; fn: () => void; label: string | undefined }

/**
 * A clock that only moves when told to: for tests and the cache benchmark, which simulate hours
 * in milliseconds. Timers fire in due order; `advance` yields to the event loop between timers so
 * the promise chains they start can make progress.
 */
export class ManualClock implements Clock {
  private t: number;
  private timers: ManualTimer[] = [];
  private nextId = 1;
  constructor(start = Date.UTC(2026, 0, 1)) { this.t = start; }

  now(): number { return this.t; }

  setTimeout(fn: () => void, ms: number, label?: string): TimerHandle {
    const timer = { id: this.nextId++, due: this.t + Math.max(0, ms), fn, label };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.timers = this.timers.filter((x) => x.id !== handle.id);
  }

  /** Labels of the timers still pending, soonest first. */
  pending(): Array<{ label: string | undefined; inMs: number }> {
    return [...this.timers].sort((a, b) => a.due - b.due).map((x) => ({ label: x.label, inMs: x.due - this.t }));
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.due <= target).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.due);
      due.fn();
      await flush();
    }
    this.t = target;
    await flush();
  }

  /**
   * Waits (in real time, up to `timeoutMs`) until a timer with this label is pending, then moves
   * time to it and fires it. Returns how far time moved.
   */
  async fireNext(label: string, timeoutMs = 5000): Promise<number> {
    const timer = await this.waitFor(label, timeoutMs);
    const moved = timer.due - this.t;
    await this.advance(Math.max(0, moved));
    return moved;
  }

  /** Waits in real time until a timer with this label is pending. */
  async waitFor(label: string, timeoutMs = 5000): Promise<{ due: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.timers.filter((x) => x.label === label).sort((a, b) => a.due - b.due)[0];
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${label} timer within ${timeoutMs} ms; pending: ${JSON.stringify(this.pending())}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

function flush(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
