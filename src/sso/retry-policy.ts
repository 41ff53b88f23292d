import type { Random } from './clock.js';

/**
 * How the agent retries its own upstream calls (sync listings, background refreshes). Data, not
 * code: tests pass `sleep: async () => {}` and run in milliseconds.
 */
export interface RetryPolicy {
  /** Total attempts, first one included. */
  maxAttempts: number;
  /** Backoff cap grows base * 2^attempt up to max; the delay is uniform in [0, cap) ("full jitter"). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Throttling backs off from a higher base: the limit is shared with every other caller. */
  throttleBaseDelayMs: number;
  /** The injectable delay. */
  sleep: (ms: number) => Promise<void>;
  /** Monotonic milliseconds for pacing; real time even when the agent's clock is a test fake. */
  monotonicNow: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  // 8 attempts at 10 % failures leaves 1e-8 odds of losing an account's listing.
  maxAttempts: 8,
  baseDelayMs: 100,
  maxDelayMs: 20_000,
  throttleBaseDelayMs: 500,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms).unref?.()),
  monotonicNow: () => performance.now(),
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...overrides };
}

export type RetryClass = 'throttle' | 'transient' | 'fatal';

const THROTTLE_NAMES = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'SlowDown', 'RequestLimitExceeded']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTCONN', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

interface ErrorLike { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number } }

/** Sorts an upstream failure: throttled, worth retrying, or final. */
export function classifyError(err: unknown): RetryClass {
  if (typeof err !== 'object' || err === null) return 'fatal';
  const e = err as ErrorLike;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || (typeof e.name === 'string' && THROTTLE_NAMES.has(e.name))) return 'throttle';
  if (typeof status === 'number' && status >= 500) return 'transient';
  if (typeof e.name === 'string' && (e.name === 'InternalServerException' || TIMEOUT_NAMES.has(e.name))) return 'transient';
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return 'transient';
  return 'fatal';
}

/**
 * The delay before attempt `attempt + 1` after `attempt` (1-based) failed with `error`, or
 * undefined when the call must not be retried. Pure: randomness comes in as an argument.
 */
export function nextDelay(attempt: number, error: unknown, random: Random, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number | undefined {
  const kind = classifyError(error);
  if (kind === 'fatal' || attempt >= policy.maxAttempts) return undefined;
  const base = kind === 'throttle' ? policy.throttleBaseDelayMs : policy.baseDelayMs;
  const cap = Math.min(policy.maxDelayMs, base * 2 ** (attempt - 1));
  return Math.floor(random.float() * cap);
}

/** Runs `fn` until it succeeds or the policy gives up; `onRetry` sees every failure that is retried. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  random: Random,
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const delay = nextDelay(attempt, err, random, policy);
      if (delay === undefined) throw err;
      onRetry?.(err, attempt, delay);
      if (delay > 0) await policy.sleep(delay);
    }
  }
}
