/**
 * Opens a URL in the person's browser. `$BROWSER` (the convention of sensible-browser, Python's
 * webbrowser and git: a `:`-separated list of commands, the first one used here) comes first,
 * because xdg-open consults it only when no desktop handler is registered; otherwise the `open`
 * package picks the platform's opener.
 */
export interface OpenedBrowser {
  /** Errors of the launcher after it started (a missing command, for example). */
  once(event: 'error', listener: (err: Error) => void): unknown;
  once(event: 'exit', listener: (code: number | null) => void): unknown;
  /** Set once the launcher has exited (a ChildProcess). */
  readonly exitCode?: number | null;
}

/**
 * Whether the launcher worked: false when it cannot start or exits non-zero (xdg-open with no
 * browser behind it exits 3); true when it exits 0 or is still running after `graceMs` (it is a
 * browser itself, or waits for one).
 */
export function waitForLauncher(child: OpenedBrowser, graceMs = 1500): Promise<boolean> {
  // A quick launcher may have exited before we listen.
  if (child.exitCode !== undefined && child.exitCode !== null) return Promise.resolve(child.exitCode === 0);
  return new Promise((resolve) => {
    // Not unref'd: the command must not end before it knows what to tell the person.
    const timer = setTimeout(() => resolve(true), graceMs);
    child.once('error', () => { clearTimeout(timer); resolve(false); });
    child.once('exit', (code) => { clearTimeout(timer); resolve(code === 0); });
  });
}

export async function openUrl(url: string, env: NodeJS.ProcessEnv = process.env): Promise<OpenedBrowser> {
  const { default: open } = await import('open');
  const browser = (env.BROWSER ?? '').split(':').map((s) => s.trim()).find(Boolean);
  if (browser) {
    const [name, ...args] = browser.split(/\s+/);
    if (name) return open(url, { wait: false, app: { name, arguments: args } });
  }
  return open(url, { wait: false });
}
