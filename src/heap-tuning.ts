import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags for the resident daemon, set by `serve` before its modules load. Its live set is small,
 * but V8's defaults are sized for throughput-bound servers: after a burst (a large sync, many
 * credential fetches) the young generation stays grown and the old generation's limit with it,
 * so the burst's garbage waits for a major GC an idle daemon never triggers. A growth factor of 1
 * keeps the young generation at its starting size (its scavenges stay cheap because little
 * survives them); a 5 % growing step makes the old generation collect close to its live size.
 * Not `--optimize-for-size`: it saves about as much memory but slows the credential route.
 * The figures behind both choices: bench/NOTES.md.
 */
export const DAEMON_V8_FLAGS = ['--semi-space-growth-factor=1', '--heap-growing-percent=5'] as const;

export function tuneHeapForResidency(): void {
  for (const flag of DAEMON_V8_FLAGS) setFlagsFromString(flag);
}
