import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Where the agent keeps its private runtime files (socket, token files). Never HOME, never the repo:
 * $XDG_RUNTIME_DIR is a per-user tmpfs on systemd machines; elsewhere a per-user folder in the temp dir.
 */
export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SSO_AGENT_RUNTIME_DIR) return env.SSO_AGENT_RUNTIME_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'sso-agent');
  return join(env.TMPDIR || tmpdir(), `sso-agent-${userInfo().uid}`);
}

export function socketPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SSO_AGENT_SOCK || join(runtimeDir(env), 'agent.sock');
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
