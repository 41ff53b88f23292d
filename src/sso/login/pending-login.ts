import type { LoginFlow, LoginPrompt, SyncSummary } from '../../core/types.js';

/**
 * One login waiting for the person: what to show them (`prompt`), and `done`, which settles when
 * the agent holds a token and has synced, or the login failed or was cancelled. It counts the
 * callers waiting on it, so the last one to go away (an interrupted `login` command) cancels it.
 */
export class PendingLogin {
  prompt: Promise<LoginPrompt> = new Promise<never>(() => {});
  readonly done: Promise<SyncSummary>;
  /** Set once it failed or was cancelled: late answers (a device poll, a callback) are ignored. */
  cancelled = false;
  private settle!: { resolve(s: SyncSummary): void; reject(e: unknown): void };
  private waiters = 0;

  constructor(readonly session: string, readonly flow: LoginFlow) {
    this.done = new Promise<SyncSummary>((resolve, reject) => { this.settle = { resolve, reject }; });
    // Nobody may be waiting (a login started from a script); a failure is still recorded.
    this.done.catch(() => {});
  }

  resolve(summary: SyncSummary): void {
    this.settle.resolve(summary);
  }

  reject(err: unknown): void {
    this.cancelled = true;
    this.settle.reject(err);
  }

  /** Waits for `done`; `onAbandoned` runs when the last waiter's signal aborts first. */
  wait(signal: AbortSignal | undefined, onAbandoned: () => void): Promise<SyncSummary> {
    // A waiter without a signal (an in-process caller) never leaves.
    this.waiters++;
    if (!signal) return this.done;
    const leave = () => {
      this.waiters--;
      if (this.waiters === 0 && !this.cancelled) onAbandoned();
    };
    if (signal.aborted) leave();
    else signal.addEventListener('abort', leave, { once: true });
    void this.done.finally(() => signal.removeEventListener('abort', leave)).catch(() => {});
    return this.done;
  }
}
