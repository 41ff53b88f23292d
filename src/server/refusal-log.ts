import type { Logger } from '../logger.js';

/**
 * One warning per window for a refusal anyone can cause (a request to /oauth/callback with a
 * wrong state): 2 000 of them a second would otherwise push the agent's real messages past
 * journald's rate limit. The first refusal is logged at once; those after it in the window are
 * counted and logged as one line with the count (`refused`) when the window ends.
 */
export const REFUSAL_LOG_WINDOW_MS = 10_000;

export interface RefusalLog {
  /** A refusal with its error code. */
  note(errorCode: string): void;
  /** Logs what is counted (shutdown). */
  flush(): void;
}

export function refusalLog(logger: Logger, msg: string, o: { windowMs?: number; now?: () => number } = {}): RefusalLog {
  const windowMs = o.windowMs ?? REFUSAL_LOG_WINDOW_MS;
  const now = o.now ?? Date.now;
  let windowEnds = 0;
  let counted = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const total = [...counted.values()].reduce((a, b) => a + b, 0);
    if (total > 0) logger.warn({ refused: total, errorCodes: Object.fromEntries(counted), windowMs }, msg);
    counted = new Map();
  };
  return {
    note(errorCode) {
      const t = now();
      if (t >= windowEnds && counted.size === 0) {
        windowEnds = t + windowMs;
        logger.warn({ errorCode, refused: 1 }, msg);
        return;
      }
      counted.set(errorCode, (counted.get(errorCode) ?? 0) + 1);
      if (!timer) {
        timer = setTimeout(() => { flush(); windowEnds = now() + windowMs; }, Math.max(0, windowEnds - t));
        timer.unref();
      }
    },
    flush,
  };
}
