// A clock that only moves when told to, for benchmarks that simulate hours (the plain-JS twin of
// test/support/manual-clock.ts; src/ ships only the system clock). While it exists Date.now reads
// it too, so node-cache's per-entry TTLs follow the simulated time.
export class ManualClock {
  #t;
  #timers = [];
  #next = 1;
  constructor(start = Date.UTC(2026, 0, 1)) { this.#t = start; Date.now = () => this.#t; }
  now() { return this.#t; }
  setTimeout(fn, ms, label) { const id = this.#next++; this.#timers.push({ id, due: this.#t + Math.max(0, ms), fn, label }); return { id }; }
  clearTimeout(handle) { if (handle) this.#timers = this.#timers.filter((x) => x.id !== handle.id); }
  async advance(ms) {
    const target = this.#t + ms;
    for (;;) {
      const due = this.#timers.filter((x) => x.due <= target).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((x) => x !== due);
      this.#t = Math.max(this.#t, due.due);
      due.fn();
      await new Promise((r) => setImmediate(r));
    }
    this.#t = target;
    await new Promise((r) => setImmediate(r));
  }
  async fireNext(label, timeoutMs = 5000) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.#timers.filter((x) => x.label === label).sort((a, b) => a.due - b.due)[0];
      if (found) { await this.advance(Math.max(0, found.due - this.#t)); return; }
      if (performance.now() > deadline) throw new Error(`no ${label} timer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}
