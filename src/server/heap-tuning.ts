import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags for the resident daemon. Its live set is small (code, the catalog, the cached
 * credentials: under 20 MB with 5 000 roles), but V8's defaults are sized for throughput-bound
 * servers: after a burst (a sync of a large organisation, hundreds of credential fetches) the young
 * generation grows to 3 × 16 MB and stays, and old-space garbage waits for the next major GC.
 *
 * `optimize-for-size` makes V8 grow the heap less eagerly and give memory back sooner. It is set
 * before the daemon's modules load (`serve` asks first thing): switched on later, V8's inline
 * caches for objects shaped before the switch keep taking a slow path, measured as a third of the
 * credential route's throughput (perf: map migrations in every `process.nextTick`).
 */
export const DAEMON_START_FLAGS = ['--optimize-for-size'] as const;

/**
 * Set once `serve` listens: a growth factor of 1 keeps the young generation at its starting size
 * (its scavenges stay cheap because little survives them). Start-up allocates freely first:
 * loading modules under it is GC-bound. Both kinds are read by the heap as it runs, unlike the
 * heap-size flags, which only the command line can set.
 */
export const DAEMON_RESIDENT_FLAGS = ['--semi-space-growth-factor=1'] as const;

export function favourSizeFromTheStart(): void {
  for (const flag of DAEMON_START_FLAGS) setFlagsFromString(flag);
}

export function tuneHeapForResidency(): void {
  for (const flag of DAEMON_RESIDENT_FLAGS) setFlagsFromString(flag);
}
