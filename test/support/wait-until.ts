// Waiting for work that runs on real I/O (the emulator) after a ManualClock timer has fired.
// (Not named *.test.ts, so tap does not run it as a test file.)

/**
 * Polls `cond` every few ms until it holds. Throws after `timeoutMs`, so a wait that never ends
 * fails here, naming what it waited for, rather than at whichever assertion comes next.
 */
export async function waitUntil(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await cond())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
