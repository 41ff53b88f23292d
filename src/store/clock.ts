/** An opaque timer handle; only the clock that made it can cancel it. */
export interface TimerHandle { readonly id: number }

/**
 * Time as the agent's modules see it. Every timer is unref'd (a pending refresh must never keep the
 * process alive) and carries a label, so a test driving a manual clock can wait for "the next device
 * poll" rather than guess how long real I/O takes. Lives in store/ because the credential cache
 * needs it and store/ depends on nothing else in the agent.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number, label?: string): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /**
   * Runs, at once, the timers whose time has come by the wall clock although the monotonic clock
   * (which stops during a suspend) has not got there; cheap enough to call on every request.
   * Optional: a manual clock has one time only.
   */
  recheck?(): void;
  /** Lets go of the clock's own periodic check. */
  stop?(): void;
}
