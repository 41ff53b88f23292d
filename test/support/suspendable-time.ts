// Two clocks, as a laptop has them: the monotonic one (node's timers) and the wall clock. `advance`
// moves both and fires the timers on the way; `suspend` moves only the wall clock, as a sleep does.
// While installed, Date.now reads the wall clock (node-cache's TTLs run on it).
// (Not named *.test.ts, so tap does not run it as a test file.)
import type { ClockSources } from '../../src/sso/clock.js';

interface FakeTimer { id: number; due: number; fn: () => void; every?: number }

const realDateNow = Date.now;

export class SuspendableTime implements ClockSources {
  private mono = 0;
  private wall: number;
  private timers: FakeTimer[] = [];
  private nextId = 1;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.wall = start;
    Date.now = () => this.wall;
  }

  restore(): void { Date.now = realDateNow; }
  wallNow(): number { return this.wall; }
  monoNow(): number { return this.mono; }
  setTimer(fn: () => void, ms: number): unknown { return this.add(fn, ms); }
  clearTimer(t: unknown): void { this.timers = this.timers.filter((x) => x.id !== t); }
  every(fn: () => void, ms: number): unknown { return this.add(fn, ms, ms); }
  stopEvery(t: unknown): void { this.clearTimer(t); }

  /** The machine sleeps for `ms`: the wall clock moves, the monotonic clock and its timers do not. */
  suspend(ms: number): void { this.wall += ms; }

  /** Both clocks move by `ms`, firing each timer that falls due, yielding to I/O between them. */
  async advance(ms: number): Promise<void> {
    const target = this.mono + ms;
    for (;;) {
      const t = this.timers.filter((x) => x.due <= target).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!t) break;
      this.wall += t.due - this.mono;
      this.mono = t.due;
      if (t.every) t.due += t.every; else this.clearTimer(t.id);
      t.fn();
      await new Promise((r) => setImmediate(r));
    }
    this.wall += target - this.mono;
    this.mono = target;
    await new Promise((r) => setImmediate(r));
  }

  private add(fn: () => void, ms: number, every?: number): number {
    const id = this.nextId++;
    this.timers.push({ id, due: this.mono + Math.max(0, ms), fn, ...(every ? { every } : {}) });
    return id;
  }
}
