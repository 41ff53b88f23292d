import { dirname } from 'node:path';
import { SOCKET_UNIT_NAME, UNIT_NAME } from './locations.js';

/**
 * What install/uninstall will do, as data: built by pure functions from what is on disk and
 * what the manager reports, then either executed or (with --dry-run) printed.
 */
export type Action =
  | { kind: 'mkdir'; path: string; mode: number }
  | { kind: 'write'; path: string; content: string; mode: number }
  | { kind: 'remove'; path: string }
  | { kind: 'run'; argv: [string, ...string[]]; mayFail?: boolean }
  | { kind: 'note'; text: string };

const RELOGIN_NOTE = 'the agent restarts with the new settings: tokens live only in its memory, so log in again (`sso-agent login`)';

export interface SystemdInstallState {
  unitPath: string;
  unit: string;
  /** sso-agent.socket, beside the service: systemd holds the TCP port. */
  socketPath: string;
  socket: string;
  settingsDir: string;
  /** The unit files already there, if any. */
  existing?: string;
  existingSocket?: string;
  /** Whether the service is running now (`systemctl --user is-active`). */
  active: boolean;
}

const sc = (...args: string[]): Action => ({ kind: 'run', argv: ['systemctl', '--user', ...args] });

export function planSystemdInstall(s: SystemdInstallState): Action[] {
  const changed = s.existing !== s.unit;
  const socketChanged = s.existingSocket !== s.socket;
  const actions: Action[] = [
    // The unit's ProtectHome=read-only leaves the agent unable to create this itself.
    { kind: 'mkdir', path: s.settingsDir, mode: 0o700 },
    { kind: 'mkdir', path: dirname(s.unitPath), mode: 0o755 },
  ];
  // A running agent holds the port (its own bind, or the old socket's): the new socket can bind it
  // only once the agent has stopped; enable --now then starts socket and agent in that order.
  const stopFirst = socketChanged && s.active;
  if (stopFirst) actions.push(sc('stop', UNIT_NAME), { kind: 'note', text: RELOGIN_NOTE });
  if (changed) actions.push({ kind: 'write', path: s.unitPath, content: s.unit, mode: 0o644 });
  else actions.push({ kind: 'note', text: `${s.unitPath} is already up to date` });
  if (socketChanged) actions.push({ kind: 'write', path: s.socketPath, content: s.socket, mode: 0o644 });
  else actions.push({ kind: 'note', text: `${s.socketPath} is already up to date` });
  actions.push(sc('daemon-reload'));
  // An old socket unit still listens on the old port: restart it while the agent is stopped.
  if (stopFirst && s.existingSocket !== undefined) actions.push(sc('restart', SOCKET_UNIT_NAME));
  actions.push(sc('enable', '--now', SOCKET_UNIT_NAME, UNIT_NAME));
  // enable --now leaves a running agent on the old unit; only a changed unit is worth a restart.
  if (changed && !stopFirst && s.existing !== undefined && s.active) {
    actions.push(sc('restart', UNIT_NAME), { kind: 'note', text: RELOGIN_NOTE });
  }
  return actions;
}

export function planSystemdUninstall(s: { unitPath: string; socketPath: string; installed: boolean; socketInstalled?: boolean }): Action[] {
  if (!s.installed && !s.socketInstalled) return [{ kind: 'note', text: `not installed: ${s.unitPath} does not exist` }];
  return [
    // mayFail: a unit the manager never loaded cannot be disabled, and the files must go regardless.
    { kind: 'run', argv: ['systemctl', '--user', 'disable', '--now', SOCKET_UNIT_NAME, UNIT_NAME], mayFail: true },
    ...(s.installed ? [{ kind: 'remove', path: s.unitPath } as const] : []),
    ...(s.socketInstalled ? [{ kind: 'remove', path: s.socketPath } as const] : []),
    sc('daemon-reload'),
    // Forget a failed state so `systemctl --user --failed` does not keep listing a removed unit.
    { kind: 'run', argv: ['systemctl', '--user', 'reset-failed', SOCKET_UNIT_NAME, UNIT_NAME], mayFail: true },
  ];
}

export interface LaunchdInstallState {
  plistPath: string;
  plist: string;
  label: string;
  uid: number;
  logFile: string;
  settingsDir: string;
  existing?: string;
  /** Whether launchd has the job loaded now (`launchctl print` succeeds). */
  loaded: boolean;
}

export function planLaunchdInstall(s: LaunchdInstallState): Action[] {
  const domain = `gui/${s.uid}`;
  const changed = s.existing !== s.plist;
  const actions: Action[] = [
    { kind: 'mkdir', path: s.settingsDir, mode: 0o700 },
    { kind: 'mkdir', path: dirname(s.plistPath), mode: 0o755 },
    { kind: 'mkdir', path: dirname(s.logFile), mode: 0o700 },
  ];
  if (!changed && s.loaded) {
    actions.push({ kind: 'note', text: `${s.plistPath} is already up to date and loaded` });
    return actions;
  }
  // launchd keeps the plist it loaded; a changed one takes effect only after bootout + bootstrap.
  if (s.loaded) actions.push({ kind: 'run', argv: ['launchctl', 'bootout', `${domain}/${s.label}`], mayFail: true }, { kind: 'note', text: RELOGIN_NOTE });
  if (changed) actions.push({ kind: 'write', path: s.plistPath, content: s.plist, mode: 0o644 });
  actions.push(
    // A job once disabled (`launchctl disable`) refuses bootstrap until enabled again.
    { kind: 'run', argv: ['launchctl', 'enable', `${domain}/${s.label}`] },
    { kind: 'run', argv: ['launchctl', 'bootstrap', domain, s.plistPath] },
  );
  return actions;
}

export function planLaunchdUninstall(s: { plistPath: string; label: string; uid: number; installed: boolean; loaded: boolean; logFile: string }): Action[] {
  if (!s.installed && !s.loaded) return [{ kind: 'note', text: `not installed: ${s.plistPath} does not exist` }];
  const actions: Action[] = [];
  if (s.loaded) actions.push({ kind: 'run', argv: ['launchctl', 'bootout', `gui/${s.uid}/${s.label}`], mayFail: true });
  if (s.installed) actions.push({ kind: 'remove', path: s.plistPath });
  actions.push({ kind: 'note', text: `the log ${s.logFile} is kept; delete it if you like` });
  return actions;
}
