import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError, ServiceError } from '../../errors.js';
import { DEFAULT_PORT } from '../../paths.js';
import { EXIT_FAILURE, EXIT_OK } from '../exit.js';
import { describePlan, executePlan } from './execute-plan.js';
import type { HealthResult } from './health.js';
import { LAUNCHD_LABEL, SOCKET_UNIT_NAME, UNIT_NAME, cliPath, homeDir, plistPath, resolveInputs, settingsDir, socketUnitPath, unitPath } from './locations.js';
import { parseLaunchctlPrint } from './parse-launchctl-print.js';
import { unitEnvironment } from './parse-unit.js';
import { detectServiceManager, type ServiceManager } from './platform.js';
import { planLaunchdInstall, planLaunchdUninstall, planSystemdInstall, planSystemdUninstall, type Action } from './plan.js';
import { renderPlist } from './render-plist.js';
import { renderSocket } from './render-socket.js';
import { renderUnit } from './render-unit.js';
import { serveArgs } from './inputs.js';
import type { CommandRunner } from './runner.js';

/** Everything `sso-agent service` touches outside its own arguments, injected so tests see every effect. */
export interface ServiceDeps {
  platform: NodeJS.Platform;
  /** HOME, XDG_CONFIG_HOME, XDG_RUNTIME_DIR, AWS_CONFIG_FILE, ...: decide every path written. */
  env: NodeJS.ProcessEnv;
  uid: number;
  /** The node binary the service will run. */
  execPath: string;
  /** The package root: holds dist/cli/main.js and the systemd/ and launchd/ templates. */
  root: string;
  run: CommandRunner;
  onPath: (cmd: string) => boolean;
  exists: (path: string) => boolean;
  /** The running agent's TCP port from its admin API, or undefined when none answers. */
  agentPort: () => Promise<number | undefined>;
  fetchHealth: (port: number) => Promise<HealthResult>;
  sleep: (ms: number) => Promise<void>;
  out: (text: string) => void;
  err: (text: string) => void;
}

export type ServiceAction = 'install' | 'uninstall' | 'status';

export interface ServiceOptions {
  dryRun: boolean;
  json: boolean;
  port?: number;
  /** Skips detection, e.g. to --dry-run the other platform's files. */
  manager?: ServiceManager;
  /** `--persist keychain`, passed on to `serve`. */
  persist?: 'keychain';
  /** `--container-address ADDR`, passed on to `serve`. */
  containerAddresses?: string[];
}

export interface ServiceStatus {
  manager: ServiceManager;
  file: string;
  installed: boolean;
  /** systemd: `is-active` (active, inactive, failed, ...); launchd: the job's state or "not loaded". */
  state: string;
  running: boolean;
  enabled?: boolean;
  port: number;
  portFrom: 'agent' | 'service file' | 'default';
  health: HealthResult;
  /** systemd: sso-agent.socket, which holds the TCP port (is-active: active/listening, inactive, failed). */
  socket?: { file: string; installed: boolean; state: string };
}

/** Quotes for a POSIX shell only where needed, so the printed command can be pasted as is. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_/.,:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function serveCommand(deps: Pick<ServiceDeps, 'execPath' | 'root'>, opts: Pick<ServiceOptions, 'persist' | 'containerAddresses'> = {}): string {
  return [deps.execPath, cliPath(deps.root), 'serve', ...serveArgs(opts)].map(shellWord).join(' ');
}

function managerFor(opts: ServiceOptions, deps: ServiceDeps): ServiceManager {
  if (opts.manager) return opts.manager;
  const d = detectServiceManager({
    platform: deps.platform,
    env: deps.env,
    hasSystemctl: deps.onPath('systemctl'),
    hasLaunchctl: deps.onPath('launchctl'),
    userBusSocket: Boolean(deps.env.XDG_RUNTIME_DIR) && deps.exists(join(deps.env.XDG_RUNTIME_DIR as string, 'bus')),
  });
  if (d.manager === 'none') {
    throw new ServiceError(
      `no service manager to run the agent: ${d.reason}.\n` +
      `Run it yourself instead, in a terminal of its own: ${serveCommand(deps, opts)}`,
    );
  }
  return d.manager;
}

function installPort(opts: ServiceOptions, env: NodeJS.ProcessEnv): number {
  if (opts.port !== undefined) return opts.port;
  if (env.SSO_AGENT_PORT !== undefined && env.SSO_AGENT_PORT !== '') {
    const n = Number(env.SSO_AGENT_PORT);
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      throw new InvalidInputError(`SSO_AGENT_PORT=${env.SSO_AGENT_PORT} is not a port a service can use: set 1-65535 or pass --port N`);
    }
    return n;
  }
  return DEFAULT_PORT;
}

function readIfExists(deps: ServiceDeps, path: string): string | undefined {
  return deps.exists(path) ? readFileSync(path, 'utf8') : undefined;
}

function template(deps: ServiceDeps, rel: string): string {
  const path = join(deps.root, rel);
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ServiceError(`the service template ${path} is missing: reinstall sso-agent`);
  }
}

/** active, inactive, failed, activating, ...; "unknown" when systemctl could not ask (no bus). */
async function systemdActive(deps: ServiceDeps, unit = UNIT_NAME): Promise<string> {
  const r = await deps.run('systemctl', ['--user', 'is-active', unit]);
  // is-active exits non-zero for anything but "active", so the answer is read, not the exit code.
  return r.stdout.trim().split('\n')[0] || 'unknown';
}

async function launchdLoaded(deps: ServiceDeps, label: string): Promise<{ loaded: boolean; state: string }> {
  const r = await deps.run('launchctl', ['print', `gui/${deps.uid}/${label}`]);
  if (r.code !== 0) return { loaded: false, state: 'not loaded' };
  return { loaded: true, state: parseLaunchctlPrint(r.stdout).state ?? 'unknown' };
}

interface Planned {
  actions: Action[];
  /** The port the installed service will listen on. */
  port: number;
  /** Whether the manager runs the service right now (before the plan). */
  managedRunning: boolean;
}

async function planFor(action: 'install' | 'uninstall', manager: ServiceManager, opts: ServiceOptions, deps: ServiceDeps): Promise<Planned> {
  const inputs = resolveInputs(deps.env, { node: deps.execPath, root: deps.root, port: installPort(opts, deps.env), ...(opts.persist ? { persist: opts.persist } : {}), ...(opts.containerAddresses ? { containerAddresses: opts.containerAddresses } : {}) });
  const port = inputs.port;
  if (manager === 'systemd') {
    const path = unitPath(deps.env);
    const socketPath = socketUnitPath(deps.env);
    const existing = readIfExists(deps, path);
    const existingSocket = readIfExists(deps, socketPath);
    if (action === 'uninstall') {
      return { actions: planSystemdUninstall({ unitPath: path, socketPath, installed: existing !== undefined, socketInstalled: existingSocket !== undefined }), port, managedRunning: false };
    }
    const unit = renderUnit(template(deps, 'systemd/sso-agent.service'), inputs);
    const socket = renderSocket(template(deps, 'systemd/sso-agent.socket'), inputs);
    const active = existing !== undefined && (await systemdActive(deps)) === 'active';
    const actions = planSystemdInstall({
      unitPath: path, unit, socketPath, socket, settingsDir: settingsDir(inputs), active,
      ...(existing !== undefined ? { existing } : {}), ...(existingSocket !== undefined ? { existingSocket } : {}),
    });
    return { actions, port, managedRunning: active };
  }
  const path = plistPath(deps.env, inputs.label);
  const existing = readIfExists(deps, path);
  const { loaded } = await launchdLoaded(deps, inputs.label);
  if (action === 'uninstall') {
    const actions = planLaunchdUninstall({ plistPath: path, label: inputs.label, uid: deps.uid, installed: existing !== undefined, loaded, logFile: inputs.logFile });
    return { actions, port, managedRunning: loaded };
  }
  const plist = renderPlist(template(deps, 'launchd/sso-agent.plist'), inputs);
  const actions = planLaunchdInstall({
    plistPath: path, plist, label: inputs.label, uid: deps.uid, logFile: inputs.logFile,
    settingsDir: settingsDir(inputs), ...(existing !== undefined ? { existing } : {}), loaded,
  });
  return { actions, port, managedRunning: loaded };
}

/**
 * After `enable --now`/`bootstrap` the manager has only forked the agent: a unit the kernel
 * cannot sandbox, or a port already taken, fails a moment later. 20 x 250 ms covers node's start
 * on a slow laptop several times over.
 */
const HEALTH_WAIT_TRIES = 20;
const HEALTH_WAIT_STEP_MS = 250;

async function waitForHealth(port: number, deps: ServiceDeps): Promise<HealthResult> {
  let h: HealthResult = { ok: false, error: 'not checked' };
  for (let i = 0; i < HEALTH_WAIT_TRIES; i++) {
    h = await deps.fetchHealth(port);
    if (h.ok) break;
    await deps.sleep(HEALTH_WAIT_STEP_MS);
  }
  return h;
}

function logsHint(manager: ServiceManager): string {
  return manager === 'systemd' ? '`journalctl --user -u sso-agent`' : '~/Library/Logs/sso-agent.log';
}

function configuredPort(manager: ServiceManager, text: string | undefined, deps: ServiceDeps): number | undefined {
  if (text === undefined) return undefined;
  let raw: string | undefined;
  try {
    raw = manager === 'systemd'
      ? unitEnvironment(text, { t: deps.env.XDG_RUNTIME_DIR ?? '/run/user/' + deps.uid, h: homeDir(deps.env) }).SSO_AGENT_PORT
      : /<key>SSO_AGENT_PORT<\/key>\s*<string>(\d+)<\/string>/.exec(text)?.[1];
  } catch {
    // A hand-edited file we cannot read back: fall through to the default port.
  }
  const n = Number(raw);
  return raw !== undefined && Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

export async function serviceStatus(manager: ServiceManager, deps: ServiceDeps): Promise<ServiceStatus> {
  const file = manager === 'systemd' ? unitPath(deps.env) : plistPath(deps.env, LAUNCHD_LABEL);
  const text = readIfExists(deps, file);
  let state: string;
  let running: boolean;
  let enabled: boolean | undefined;
  let socket: ServiceStatus['socket'];
  if (manager === 'systemd') {
    state = await systemdActive(deps);
    running = state === 'active';
    const e = await deps.run('systemctl', ['--user', 'is-enabled', UNIT_NAME]);
    if (e.stdout.trim()) enabled = e.stdout.trim().split('\n')[0] === 'enabled';
    const sockFile = socketUnitPath(deps.env);
    socket = { file: sockFile, installed: deps.exists(sockFile), state: await systemdActive(deps, SOCKET_UNIT_NAME) };
  } else {
    state = (await launchdLoaded(deps, LAUNCHD_LABEL)).state;
    running = state === 'running';
  }
  let port: number | undefined;
  let portFrom: ServiceStatus['portFrom'] = 'agent';
  try {
    port = await deps.agentPort();
  } catch {
    port = undefined;
  }
  if (port === undefined) {
    port = configuredPort(manager, text, deps);
    portFrom = 'service file';
  }
  if (port === undefined) {
    port = DEFAULT_PORT;
    portFrom = 'default';
  }
  const health = await deps.fetchHealth(port);
  return { manager, file, installed: text !== undefined, state, running, ...(enabled !== undefined ? { enabled } : {}), ...(socket ? { socket } : {}), port, portFrom, health };
}

function formatStatus(s: ServiceStatus): string {
  const what = s.manager === 'systemd' ? 'systemd user unit' : 'launchd agent';
  const yn = (b: boolean) => (b ? 'yes' : 'no');
  return [
    `service:   ${what} ${s.file}`,
    `installed: ${yn(s.installed)}${s.enabled !== undefined ? ` (${s.enabled ? 'enabled' : 'not enabled'} at login)` : ''}`,
    `running:   ${yn(s.running)} (${s.state})`,
    ...(s.socket ? [`socket:    ${s.socket.installed ? `${s.socket.state} (${s.socket.file} holds the port)` : `not installed (${s.socket.file}): run \`sso-agent service install\` so systemd holds the port`}`] : []),
    `health:    ${s.health.ok ? `ok (${s.health.status})` : `no answer (${s.health.error ?? 'unknown'})`} on http://127.0.0.1:${s.port}/health (port from ${s.portFrom})`,
  ].join('\n') + '\n';
}

function statusHint(s: ServiceStatus): string | undefined {
  if (!s.installed) return 'not installed: run `sso-agent service install`';
  const logs = logsHint(s.manager);
  if (!s.running) return `installed but not running: see ${logs}`;
  if (!s.health.ok) return `running but /health does not answer: see ${logs}`;
  if (s.socket && (!s.socket.installed || s.socket.state !== 'active')) return `the port is not held by ${SOCKET_UNIT_NAME} (${s.socket.installed ? s.socket.state : 'not installed'}): run \`sso-agent service install\``;
  return undefined;
}

export async function runService(action: ServiceAction, opts: ServiceOptions, deps: ServiceDeps): Promise<number> {
  const manager = managerFor(opts, deps);

  if (action === 'status') {
    const s = await serviceStatus(manager, deps);
    deps.out(opts.json ? JSON.stringify(s, null, 2) + '\n' : formatStatus(s));
    const hint = statusHint(s);
    if (hint) deps.err(`sso-agent: ${hint}\n`);
    return hint ? EXIT_FAILURE : EXIT_OK;
  }

  const { actions, port, managedRunning } = await planFor(action, manager, opts, deps);
  const cli = cliPath(deps.root);
  if (opts.dryRun) {
    deps.out(`sso-agent service ${action} --dry-run: would do the following (nothing is changed)\n` + describePlan(actions));
    if (action === 'install' && !deps.exists(cli)) deps.err(`sso-agent: note: ${cli} does not exist yet: run \`npm run build\` before installing\n`);
    return 0;
  }
  if (action === 'install') {
    if (!deps.exists(cli)) throw new ServiceError(`${cli} does not exist, and the service runs it: run \`npm run build\` first`);
    // An agent started by hand holds the socket; the service would only crash-loop beside it.
    const handStarted = managedRunning ? undefined : await deps.agentPort().catch(() => undefined);
    if (handStarted !== undefined) {
      throw new ServiceError(`an agent started by hand is running (port ${handStarted}) and holds the socket the service needs: stop it first (Ctrl-C where it runs), then run \`sso-agent service install\` again`);
    }
  }
  await executePlan(actions, { run: deps.run, log: (line) => deps.out(line + '\n') });
  if (action === 'install') {
    const h = await waitForHealth(port, deps);
    if (!h.ok) {
      const userns = manager === 'systemd' ? '; status 224/USER there means this kernel refuses the unit\'s PrivateUsers= (see the comment above it in the unit)' : '';
      throw new ServiceError(`installed, but nothing answers on http://127.0.0.1:${port}/health (${h.error ?? 'no answer'}): see ${logsHint(manager)}${userns}`);
    }
    const logs = manager === 'systemd' ? 'journalctl --user -u sso-agent' : 'tail -f ~/Library/Logs/sso-agent.log';
    deps.out(`sso-agent runs as a ${manager === 'systemd' ? 'systemd user service' : 'launchd agent'} and answers on http://127.0.0.1:${port}/health; next: \`sso-agent login\`, logs: \`${logs}\`\n`);
  } else if (actions.some((a) => a.kind === 'remove' || a.kind === 'run')) {
    deps.out('sso-agent service removed\n');
  }
  return 0;
}
