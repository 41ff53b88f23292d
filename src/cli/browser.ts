/**
 * Whether `login` can open a browser on this machine, as a pure policy over facts the caller
 * gathers (env, platform, container). When it cannot, login uses the device-code flow: the
 * person opens the URL on any other device.
 */
export interface BrowserFacts {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** True inside Docker/Podman/…; see detectContainer. */
  inContainer: boolean;
}

export type BrowserDecision = { canOpen: true } | { canOpen: false; reason: string };

export function canOpenBrowser(facts: BrowserFacts): BrowserDecision {
  const { env, platform, inContainer } = facts;
  if (env.SSH_CONNECTION || env.SSH_CLIENT || env.SSH_TTY) return { canOpen: false, reason: 'this is an SSH session' };
  if (isTrue(env.CI)) return { canOpen: false, reason: 'this is a CI job' };
  if (inContainer) return { canOpen: false, reason: 'this is a container' };
  // macOS and Windows always have a desktop; elsewhere a browser needs an X11 or Wayland display.
  if (platform !== 'darwin' && platform !== 'win32' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { canOpen: false, reason: 'there is no graphical display (DISPLAY/WAYLAND_DISPLAY unset)' };
  }
  return { canOpen: true };
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** The impure half: marker files Docker and Podman create, and the `container` variable systemd-nspawn/Podman set. */
export async function detectContainer(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (env.container) return true;
  const { access } = await import('node:fs/promises');
  for (const marker of ['/.dockerenv', '/run/.containerenv']) {
    try {
      await access(marker);
      return true;
    } catch { /* not this one */ }
  }
  return false;
}
