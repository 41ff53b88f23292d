/**
 * Which notifier the agent uses, from facts about the machine. Pure.
 * A desktop session on Linux is a D-Bus session bus plus a display (X11 or Wayland): a server or
 * container without one gets nothing at all. GNOME and KDE import DISPLAY/WAYLAND_DISPLAY into the
 * systemd user manager, so the service unit sees them too.
 */
export type NotifierChoice =
  | { kind: 'command'; command: string }
  | { kind: 'notify-send' }
  | { kind: 'osascript' }
  | { kind: 'none'; why: string };

export interface NotifierFacts {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** `serve --notify-command CMD`. */
  command?: string;
  /** `serve --no-notify` or SSO_AGENT_NOTIFY=off. */
  off?: boolean;
}

const OFF_WORDS = new Set(['0', 'off', 'false', 'no']);

export function notificationsOff(env: NodeJS.ProcessEnv): boolean {
  return OFF_WORDS.has((env.SSO_AGENT_NOTIFY ?? '').trim().toLowerCase());
}

export function pickNotifier(f: NotifierFacts): NotifierChoice {
  if (f.off || notificationsOff(f.env)) return { kind: 'none', why: 'notifications are off' };
  if (f.command) return { kind: 'command', command: f.command };
  if (f.platform === 'darwin') return { kind: 'osascript' };
  if (f.platform === 'win32') return { kind: 'none', why: 'no notifier on Windows: pass --notify-command' };
  const bus = f.env.DBUS_SESSION_BUS_ADDRESS;
  const display = f.env.WAYLAND_DISPLAY || f.env.DISPLAY;
  if (!bus) return { kind: 'none', why: 'no desktop session (no D-Bus session bus)' };
  if (!display) return { kind: 'none', why: 'no desktop session (neither DISPLAY nor WAYLAND_DISPLAY)' };
  return { kind: 'notify-send' };
}
