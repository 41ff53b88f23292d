/**
 * Cleanup that must run even when the runner stops a test file (its timeout sends SIGTERM, which
 * skips t.teardown): runs `fn` once, at the first of teardown, process exit or SIGTERM/SIGINT.
 * `fn` must be synchronous (spawnSync), as exit handlers are.
 */
export function cleanupOnExit(fn: () => void): () => void {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    process.off('exit', once);
    try {
      fn();
    } catch {
      // Best effort: the next cleanup step must still run.
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    once();
    process.kill(process.pid, signal);
  };
  process.on('exit', once);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return once;
}
