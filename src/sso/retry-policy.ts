import type * as SmithyRetry from '@smithy/core/retry';
import { requireCjs } from '../require-cjs.js';
import { isAgentError } from '../errors.js';
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

/**
 * Socket failures smithy's classifier does not list but that are worth another try here: a
 * connection dropped mid-call (undici's and node's names for it).
 */
const EXTRA_NETWORK_CODES = new Set(['ENOTCONN', 'ECONNABORTED', 'UND_ERR_SOCKET']);

interface ErrorLike { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: number } }
type SdkError = Parameters<typeof SmithyRetry.isThrottlingError>[0];

// Loaded at the first failure, not at start: it is several megabytes of resident memory.
let smithyRetry: typeof SmithyRetry | undefined;
const classifiers = (): typeof SmithyRetry => (smithyRetry ??= requireCjs('@smithy/core/retry') as typeof SmithyRetry);

/**
 * Sorts an upstream failure: throttled, worth retrying, or final. smithy's classifiers (the ones
 * the SDK's own retry strategy uses) decide, with these deliberate differences:
 * - ENOTFOUND is final here (smithy retries it): for IAM Identity Center a host that does not
 *   exist means a wrong sso_region, which retrying cannot fix (mapLoginError says so).
 * - the agent's own errors are final: they were already classified once, when they were made.
 * - EXTRA_NETWORK_CODES and InternalServerException by name (an emulator or proxy that drops the
 *   status) are transient.
 * - smithy's trait and cause-chain checks ($retryable, a transient cause) are kept.
 */
export function classifyError(err: unknown): RetryClass {
  if (typeof err !== 'object' || err === null || isAgentError(err)) return 'fatal';
  const e = err as ErrorLike & Error;
  if (e.code === 'ENOTFOUND') return 'fatal';
  const { isServerError, isThrottlingError, isTransientError } = classifiers();
  if (isThrottlingError(e as SdkError)) return 'throttle';
  if (isTransientError(e as SdkError) || isServerError(e as SdkError)) return 'transient';
  if (e.name === 'InternalServerException' || (typeof e.code === 'string' && EXTRA_NETWORK_CODES.has(e.code))) return 'transient';
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
