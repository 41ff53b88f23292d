import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { packageInfo } from '../../package-root.js';
import { runtimeDir, settingsFile } from '../../paths.js';
import { configFilePath } from '../aws-config/config-path.js';
import type { ServiceInputs } from './inputs.js';

/** Where the service's files go on each platform: the standard per-user locations. */
export const UNIT_NAME = 'sso-agent.service';
export const SOCKET_UNIT_NAME = 'sso-agent.socket';
export const LAUNCHD_LABEL = 'io.github.aws-sso-agent';

export function homeDir(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

/** `systemctl --user` reads units from $XDG_CONFIG_HOME/systemd/user (default ~/.config/...). */
export function unitPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(homeDir(env), '.config');
  return join(base, 'systemd', 'user', UNIT_NAME);
}

/** sso-agent.socket, in the same folder as the service. */
export function socketUnitPath(env: NodeJS.ProcessEnv): string {
  return join(dirname(unitPath(env)), SOCKET_UNIT_NAME);
}

export function plistPath(env: NodeJS.ProcessEnv, label = LAUNCHD_LABEL): string {
  return join(homeDir(env), 'Library', 'LaunchAgents', `${label}.plist`);
}

export function launchdLogFile(env: NodeJS.ProcessEnv): string {
  return join(homeDir(env), 'Library', 'Logs', 'sso-agent.log');
}

/** The package's root (holding dist/, systemd/, launchd/), compiled, bundled or from source under tap. */
export function packageRoot(): string {
  return packageInfo().root;
}

/** What the service runs: always the compiled CLI, never a .ts file a service could not execute. */
export function cliPath(root: string): string {
  return join(root, 'dist', 'cli', 'main.js');
}

export function resolveInputs(env: NodeJS.ProcessEnv, o: { node: string; root: string; port: number; persist?: 'keychain'; containerAddresses?: string[] }): ServiceInputs {
  return {
    ...(o.persist ? { persist: o.persist } : {}),
    ...(o.containerAddresses?.length ? { containerAddresses: o.containerAddresses } : {}),
    node: o.node,
    cli: cliPath(o.root),
    port: o.port,
    settingsFile: resolve(settingsFile({ ...env, HOME: homeDir(env) })),
    // The file `sso-agent config` writes, so the service's agent reads the same one.
    awsConfigFile: configFilePath(undefined, env),
    runtimeDir: resolve(runtimeDir(env)),
    logFile: launchdLogFile(env),
    label: LAUNCHD_LABEL,
  };
}

export function settingsDir(inputs: ServiceInputs): string {
  return dirname(inputs.settingsFile);
}
