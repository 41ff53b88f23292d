import { statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

/** What the runtime-dir rule reads of the machine; tests pass their own. */
export interface RuntimeProbe {
  uid: number;
  /** True when `path` is a directory (following symlinks, as `[ -d ]` does). */
  isDir(path: string): boolean;
}

const machine: RuntimeProbe = {
  get uid() { return userInfo().uid; },
  isDir(path) {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
};

/**
 * Where the agent keeps its private runtime files (socket, token files). Never HOME, never the repo:
 * $XDG_RUNTIME_DIR is a per-user tmpfs on systemd machines. A cron job, `su` or `sudo` often runs
 * without it although /run/user/$UID exists: that folder is the same per-user tmpfs, and nobody else
 * can create it, so it wins over the shared temp dir, where another user could pre-create the
 * folder. bin/sso-agent-credential-process.sh follows the same rule (a test holds them equal).
 */
export function runtimeDir(env: NodeJS.ProcessEnv = process.env, probe: RuntimeProbe = machine): string {
  if (env.SSO_AGENT_RUNTIME_DIR) return env.SSO_AGENT_RUNTIME_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'sso-agent');
  const uid = probe.uid;
  const runUser = `/run/user/${uid}`;
  if (probe.isDir(runUser)) return join(runUser, 'sso-agent');
  return join(env.TMPDIR || tmpdir(), `sso-agent-${uid}`);
}

export function socketPath(env: NodeJS.ProcessEnv = process.env, probe: RuntimeProbe = machine): string {
  return env.SSO_AGENT_SOCK || join(runtimeDir(env, probe), 'agent.sock');
}

/** The agent's own settings (sessions added with `login --start-url`). No secret is ever stored here. */
export function settingsFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SSO_AGENT_SETTINGS) return env.SSO_AGENT_SETTINGS;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || userInfo().homedir, '.config');
  return join(base, 'sso-agent', 'settings.json');
}

export const DEFAULT_PORT = 8732;

/** The catalog's state (ids and names, never a secret), kept beside the settings file. */
export function catalogFileBeside(settings: string): string {
  return join(dirname(settings), 'catalog.json');
}

/**
 * Where `serve --background` keeps its log (no secret is ever logged): $SSO_AGENT_STATE_DIR, else
 * the XDG state dir (logs are what it is for), else ~/.local/state/sso-agent.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SSO_AGENT_STATE_DIR) return env.SSO_AGENT_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(env.HOME || userInfo().homedir, '.local', 'state');
  return join(base, 'sso-agent');
}
