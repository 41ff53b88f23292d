import { UpstreamError, ThrottledError } from '../../errors.js';
import type { Random } from '../clock.js';

/**
 * How the credential cache retries a role during an outage: one attempt per backoff step, the step
 * doubling from 1 s up to 30 s (or a tenth of the credentials' lifetime, so 120 s test credentials
 * retry at least every 12 s), with equal jitter (half fixed, half random) so that many roles do not
 * retry in step and no retry comes at once after the failure.
 */
export const CREDENTIAL_RETRY = { baseDelayMs: 1_000, maxDelayMs: 30_000, lifetimeShare: 1 / 10 } as const;


export function credentialRetryDelay(random: Random): (attempt: number, error: unknown, lifetimeMs: number) => number | undefined {
  return (attempt, error, lifetimeMs) => {
    // Only upstream trouble is worth retrying; a needed login, an unassigned role or bad input are final.
    if (!(error instanceof UpstreamError || error instanceof ThrottledError)) return undefined;
    const ceiling = lifetimeMs > 0 ? Math.min(CREDENTIAL_RETRY.maxDelayMs, lifetimeMs * CREDENTIAL_RETRY.lifetimeShare) : CREDENTIAL_RETRY.maxDelayMs;
    const step = Math.min(ceiling, CREDENTIAL_RETRY.baseDelayMs * 2 ** (attempt - 1));
    return step / 2 + random.float() * (step / 2);
  };
}
