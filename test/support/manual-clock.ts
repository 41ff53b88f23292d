// A clock that only moves when told to, for tests that simulate hours in milliseconds.
// (Not named *.test.ts, so tap does not run it as a test file.)
import type { Clock, TimerHandle } from '../../src/store/clock.js';

interface ManualTimer { id: number; due: number; fn: () => void; label: string | undefined }

/**
 * Timers fire in due order; `advance` yields to the event loop between timers so the promise
 * chains they start can make progress. Injected where a `Clock` is taken (every owner in sso/ and
 * store/); nothing global is patched.
 */
export class ManualClock implements Clock {
  private t: number;
  private timers: ManualTimer[] = [];
  private nextId = 1;
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

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
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.timers.filter((x) => x.label === label).sort((a, b) => a.due - b.due)[0];
      if (found) return found;
      if (performance.now() > deadline) throw new Error(`no ${label} timer within ${timeoutMs} ms; pending: ${JSON.stringify(this.pending())}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

/** A ManualClock for one tap test. */
export function manualClock(_t: unknown, start?: number): ManualClock {
  return new ManualClock(start);
}

function flush(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
