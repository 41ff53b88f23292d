/**
 * Concurrent calls for one key share one in-flight promise: 50 requests for a cold role make one
 * GetRoleCredentials call. The entry is dropped when the promise settles, so a failure is not
 * cached.
 */
export class SingleFlight<T> {
  private readonly inflight = new Map<string, Promise<T>>();

  run(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.inflight.get(key);
    if (existing) return existing;
    const p = (async () => {
      try {
        return await fn();
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }

  has(key: string): boolean {
    return this.inflight.has(key);
  }
}
