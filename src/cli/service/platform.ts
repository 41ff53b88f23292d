/**
 * Which service manager can run the agent here. A pure function of facts the caller gathers
 * (`managerFor` in run-service.ts, from the injected ServiceDeps), so every branch is testable
 * on any machine.
 *
 * systemd needs more than `systemctl` on PATH: `systemctl --user` talks to the user manager over
 * its D-Bus socket, which exists only in a real login session (not in most containers, not under
 * `su`, not in WSL without systemd). Without it every `systemctl --user` call fails, so "no bus"
 * is treated as "no systemd".
 */
export type ServiceManager = 'systemd' | 'launchd';

export interface PlatformFacts {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  hasSystemctl: boolean;
  hasLaunchctl: boolean;
  /** Whether $XDG_RUNTIME_DIR/bus exists (the user manager's bus socket). */
  userBusSocket: boolean;
}

export type Detection =
  | { manager: ServiceManager }
  | { manager: 'none'; reason: string };

export function detectServiceManager(facts: PlatformFacts): Detection {
  if (facts.platform === 'darwin') {
    return facts.hasLaunchctl ? { manager: 'launchd' } : { manager: 'none', reason: 'launchctl is not on PATH' };
  }
  if (facts.platform === 'linux') {
    if (!facts.hasSystemctl) return { manager: 'none', reason: 'systemctl is not on PATH (no systemd)' };
    const bus = Boolean(facts.env.DBUS_SESSION_BUS_ADDRESS) || (Boolean(facts.env.XDG_RUNTIME_DIR) && facts.userBusSocket);
    if (!bus) {
      return {
        manager: 'none',
        reason: 'no systemd user manager to talk to (neither $DBUS_SESSION_BUS_ADDRESS nor $XDG_RUNTIME_DIR/bus; is this a login session?)',
      };
    }
    return { manager: 'systemd' };
  }
  return { manager: 'none', reason: `${facts.platform} has neither systemd nor launchd` };
}
