import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags for the resident daemon, set by `serve` once it listens: start-up allocates freely
 * (loading modules is GC-bound under these flags) and what it leaves is small. The agent's live set is small (code, the catalog, the cached
 * credentials: under 20 MB with 5 000 roles), but V8's defaults are sized for throughput-bound
 * servers: after a burst (a sync of a large organisation, hundreds of credential fetches) the young
 * generation grows to 3 × 16 MB and stays, and old-space garbage waits for the next major GC.
 * `optimize-for-size` makes V8 grow the heap less eagerly and give memory back sooner; a growth
 * factor of 1 keeps the young generation at its starting size (its scavenges stay cheap because
 * little survives them). Both are read by the heap as it runs, unlike the heap-size flags, which
 * only the command line can set.
 */
export const DAEMON_V8_FLAGS = ['--optimize-for-size', '--semi-space-growth-factor=1'] as const;

export function tuneHeapForResidency(): void {
  for (const flag of DAEMON_V8_FLAGS) setFlagsFromString(flag);
}
