import { rm } from 'node:fs/promises';
import type { FastifyListenOptions } from 'fastify';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { DestinationStream, Level } from 'pino';
import { createLogger, type Logger } from './logger.js';
import { socketPath } from './paths.js';
import { memoryOnly } from './sso/persist/session-vault.js';
import type { AgentCore, CatalogRole } from './core/types.js';
import { VERSION } from './version.js';
import { buildAdminApp, type AgentInfo } from './server/admin-app.js';
import { buildCredentialsApp } from './server/credentials-app.js';
import { AgentAlreadyRunningError, InvalidInputError } from './errors.js';
import { assertSocketPathFits, ensurePrivateDir, listenPrivately, newAgentKey, prepareSocketPath, socketAnswers } from './server/runtime-files.js';
import { assertLoopbackAddress } from './server/socket-activation.js';
import { RouteTokenFileWriter, profilesWithRouteTokenFiles, removeStaleTempFiles } from './server/route-token-files.js';
import { LISTEN_BACKLOG } from './server/connection-limits.js';
import type { Notifier } from './server/notify/desktop-notifier.js';
import { GrantStore } from './store/grants.js';
import { type ContainerListener, watchContainerAddress } from './server/container-listener.js';
import { listenExtra } from './server/listener-server.js';
import { RemoteListeners } from './server/remote-listeners.js';
import { sessionWatch, type NotifySettings } from './server/session-watch.js';

import { catalogFileBeside, settingsFile as defaultSettingsFile } from './paths.js';
import { CredentialCache } from './store/credential-cache.js';
import { SsoAgentCore, type SessionEvents } from './sso/agent.js';
import { createClientFactory, type AwsClientFactory } from './sso/clients.js';
import { cryptoRandom, systemClock, type Clock, type Random } from './sso/clock.js';
import { persistentCatalog } from './sso/catalog-persistence.js';
import { ChainedRoles } from './sso/chained/chained-roles.js';
import { roleCredentialsFetcher } from './sso/credentials/fetch-role-credentials.js';
import { credentialRetryDelay } from './sso/credentials/renewal-policy.js';
import { Logins } from './sso/login/logins.js';
import { Registrations } from './sso/login/registration.js';
import type { SessionVault } from './sso/persist/session-vault.js';
import { retryPolicy, type RetryPolicy } from './sso/retry-policy.js';
import { SessionRegistry } from './sso/session-registry.js';
import { parseStartUrl, startUrlProblem } from './sso/session-config.js';
import { DEFAULT_SYNC_INTERVAL_MS, SyncScheduler } from './sso/sync/sync-scheduler.js';
import { TokenKeeper } from './sso/tokens/token-keeper.js';

/** The listening socket systemd hands over (socket activation), for `serve` to pass back as `listenFd`. */
export { inheritedListenFd } from './server/socket-activation.js';
/** Whether an agent answers on a socket (`serve --background` waits for its own, and refuses a second copy). */
export { socketAnswers } from './server/runtime-files.js';

export type { Clock, Random } from './sso/clock.js';
export type { AwsClientFactory } from './sso/clients.js';
export type { RetryPolicy } from './sso/retry-policy.js';

export interface AgentCoreOptions {
  logger: Logger;
  /** AWS_CONFIG_FILE, AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Sessions added by `login --start-url`; never a secret. Default settingsFile(env). */
  settingsFile?: string;
  /** 'http://127.0.0.1:PORT/oauth/callback', known once the TCP app listens. */
  redirectUri: () => string;
  /** Default 8 h, the seed's re-sync period. */
  syncIntervalMs?: number;
  clock?: Clock;
  random?: Random;
  clients?: AwsClientFactory;
  /** The agent's own retries (sync listings, token refresh); the SDK's retries cover single calls. */
  retry?: Partial<RetryPolicy>;
  /** Accounts listed at once during a sync. */
  syncConcurrency?: number;
  /** Called with the whole catalog after each change (the daemon rewrites the route-token files). */
  onProfilesChanged?: (profiles: CatalogRole[]) => void;
  /** Where sessions outlive the process (`serve --persist keychain`); default memory only. */
  vault?: SessionVault;
  /** What the daemon's desktop notices and prompt state files follow (src/server/notify/). */
  events?: SessionEvents;
}

/**
 * The core's wiring diagram: one owner per lifecycle, and the callbacks through which they meet.
 * - registry: the sessions (AWS config + agent settings) and their AWS clients;
 * - logins → tokens (a login's SSO token) → vault (kept, with --persist) and, once logged in, → syncs;
 * - syncs: the catalog of accounts and roles, each listing under a fresh SSO token;
 * - cache: role credentials, fetched on a miss with a fresh SSO token;
 * - chained: AssumeRole profiles on top of cached role credentials.
 * Loads the sessions and returns the running core; its timers are unref'd and close() stops them.
 */
export async function createAgentCore(opts: AgentCoreOptions): Promise<AgentCore> {
  const { logger } = opts;
  const env = opts.env ?? process.env;
  const clock = opts.clock ?? systemClock();
  const random = opts.random ?? cryptoRandom();
  const policy = retryPolicy(opts.retry);
  const vault = opts.vault ?? memoryOnly;
  const clients = opts.clients ?? createClientFactory({ env });
  const settingsFile = opts.settingsFile ?? defaultSettingsFile(env);
  const restored = new Set<string>();
  const events = opts.events ?? {};

  const registry: SessionRegistry = new SessionRegistry({
    env, settingsFile, clients, logger,
    // Names never depend on which sessions exist, so the catalog needs no rebuild here.
    onChanged: (name) => registrations.forgetSession(name),
  });
  const config = (s: string) => registry.config(s);
  const oidc = (s: string) => registry.clients(s).oidc;
  const regionOf = (s: string) => (registry.has(s) ? registry.config(s).region : undefined);
  const persisted = persistentCatalog({
    file: catalogFileBeside(settingsFile), logger, regionOf,
    ...(opts.onProfilesChanged ? { onProfilesChanged: opts.onProfilesChanged } : {}),
  });
  const catalog = persisted.catalog;
  const registrations = new Registrations({ clock, logger, oidc, config });
  const tokens = new TokenKeeper({ clock, random, policy, logger, oidc, config, portal: (s) => registry.clients(s).portal,
    onSet: (s, t) => {
      events.changed?.(s);
      vault.save(s, {
        startUrl: config(s).startUrl, region: config(s).region, scopes: config(s).scopes, registration: t.registration,
        token: { accessToken: t.accessToken, issuedAt: t.issuedAt, expiresAt: t.expiresAt, ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}) },
      });
    },
    onLost: (s, reason, facts) => {
      restored.delete(s);
      vault.remove(s);
      if (reason !== 'logged-out') events.loginNeeded?.(s, reason, facts);
      events.changed?.(s);
    },
  });
  const syncs = new SyncScheduler({
    clock, random, policy, logger, catalog, config,
    intervalMs: opts.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS,
    ...(opts.syncConcurrency ? { concurrency: opts.syncConcurrency } : {}),
    portal: (s) => registry.clients(s).portalSync,
    withFreshToken: (s, fn) => tokens.withFreshToken(s, fn),
  });
  const logins = new Logins({
    clock, random, logger, env, redirectUri: opts.redirectUri, oidc, config, registrations,
    onToken: (s, answer, reg) => tokens.set(s, answer, reg),
    onLoggedIn: (s) => { restored.delete(s); return syncs.run(s); },
  });
  const cache = new CredentialCache({
    clock, logger, retryDelay: credentialRetryDelay(random),
    fetch: roleCredentialsFetcher({ clock, config, portal: (s) => registry.clients(s).portal, withFreshToken: (s, fn) => tokens.withFreshToken(s, fn) }),
  });
  const chained = new ChainedRoles({
    env, clock, logger, clients, catalog,
    roleCredentials: (role) => cache.get(role),
    forgetRoleCredentials: (role) => { cache.dropSession(role.session); },
    sessionRegion: regionOf, retryDelay: credentialRetryDelay(random),
    hasSession: (s) => registry.has(s),
    sessionForStartUrl: (url) => {
      const wanted = normaliseStartUrl(url);
      return registry.names().find((n) => registry.config(n).startUrl === wanted);
    },
  });

  const core = new SsoAgentCore({ logger, clock, ownsClock: opts.clock === undefined, events, registry, persisted, chained, vault, restored, registrations, tokens, logins, syncs, cache });
  await core.load();
  await core.restore();
  return core;
}

/** What the daemon hands the core factory: `AgentCoreOptions`, with logger, env and redirect filled in. */
export type CoreFactoryOptions = AgentCoreOptions & { env: NodeJS.ProcessEnv };
export type CoreFactory = (opts: CoreFactoryOptions) => Promise<AgentCore>;

export interface DaemonOptions {
  /** 0 picks a free port. Default: SSO_AGENT_PORT, else DEFAULT_PORT (the serve command decides). */
  port: number;
  /** Default socketPath(env). */
  socket?: string;
  syncIntervalMs?: number;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  logLevel?: Level | 'silent';
  logStream?: DestinationStream;
  /** Default: createAgentCore (above). */
  createCore?: CoreFactory;
  /** Passed on to the core: tests inject clock, retry policy, settings file. */
  coreOptions?: Partial<Omit<AgentCoreOptions, 'logger' | 'env' | 'redirectUri'>>;
  /** A listening TCP socket inherited from systemd (socket-activation.ts); default: none, bind `port`. */
  listenFd?: number;
  /** 'keychain': sessions outlive the process in the OS keychain. Default: memory only. */
  persist?: 'keychain';
  /** Desktop notices: a custom command, or off. Default: the platform's notifier where there is a desktop. */
  notify?: NotifySettings;
  /** Opens a URL in the browser (a click on a notice starts a login); the CLI passes its opener. */
  openUrl?: (url: string) => void;
  /** Tests inject a notifier; default: session-watch.ts picks the platform's. */
  notifier?: Notifier;
  /** `sso-agent stop` asked the agent to end (admin socket): the serve command stops as on SIGTERM. */
  onStopRequested?: () => void;
  /** `--container-address`: also listen there (the agent's port unless one is given) for container grants, whenever it exists. */
  containerAddresses?: { address: string; port?: number }[];
  /**
   * `--callback-port`: the port the PKCE redirect names (default: the agent's). For a login on a
   * remote host through `ssh -L CALLBACK:127.0.0.1:PORT`, when the local PORT is taken.
   */
  callbackPort?: number;
  /** How often the container address is looked for (default container-listener.ts ADDRESS_POLL_MS). */
  containerPollMs?: number;
}

export interface RunningDaemon {
  port: number;
  socket: string;
  core: AgentCore;
  logger: Logger;
  /** Where the per-profile token files live (the socket's private folder). */
  runtimeDir: string;
  /** SIGHUP: re-reads the sessions from the AWS config and the settings; keeps serving. */
  reload(): Promise<void>;
  /** Stops accepting, lets in-flight requests finish (long polls are cut after SHUTDOWN_GRACE_MS), removes the socket. */
  close(): Promise<void>;
}

/** In-flight requests get this long to finish on shutdown; the contract is a clean exit within 2 s. */
export const SHUTDOWN_GRACE_MS = 1200;

/** The one address the TCP app binds: loopback, and the form every SDK's allow-list accepts. */
const LISTEN_HOST = '127.0.0.1';


/**
 * Starts the agent: runtime folder and key, the core, the TCP app on 127.0.0.1, then the admin
 * socket; logs `{"msg":"listening", port, socket}` when both accept connections.
 */
export async function startDaemon(opts: DaemonOptions): Promise<RunningDaemon> {
  const env = opts.env ?? process.env;
  const logger = opts.logger ?? createLogger({ level: opts.logLevel ?? 'info', stream: opts.logStream });
  const socket = opts.socket ?? socketPath(env);
  assertSocketPathFits(socket);
  const runtimeDir = dirname(socket);
  await ensurePrivateDir(runtimeDir);
  await prepareSocketPath(socket);
  const agentKey = newAgentKey();

  let port = 0;
  let serving = false;
  const startedAt = new Date().toISOString();
  const watch = sessionWatch({
    runtimeDir, logger, env, ...(opts.notify ? { notify: opts.notify } : {}), ...(opts.openUrl ? { openUrl: opts.openUrl } : {}),
    ...(opts.notifier ? { notifier: opts.notifier } : {}),
  });
  // A run cut short (SIGTERM mid-write) leaves temp files; nothing else ever reads them.
  await removeStaleTempFiles(runtimeDir).catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'could not remove stale token temp files'));
  const tokenFiles = new RouteTokenFileWriter(runtimeDir, agentKey, (err) => logger.warn({ err: err.message }, 'could not write a token file'));
  const writeTokens = (profiles: Iterable<string>): void => tokenFiles.want(profiles);
  const coreOpts: CoreFactoryOptions = {
    ...opts.coreOptions, logger, env, redirectUri: () => `http://127.0.0.1:${opts.callbackPort ?? port}/oauth/callback`,
    // Before this agent holds the socket the files belong to whoever does: never write them.
    onProfilesChanged: (profiles) => { if (serving) { writeTokens(profiles.map((r) => r.profile)); watch.profilesChanged(); } },
    events: watch.events,
  };
  if (opts.syncIntervalMs !== undefined) coreOpts.syncIntervalMs = opts.syncIntervalMs;
  // Without --persist the keychain module is never loaded, so nothing can reach the keychain.
  const vault = opts.coreOptions?.vault ?? (opts.persist === 'keychain'
    ? new (await import('./sso/persist/keychain-vault.js')).KeychainVault({
      logger, env, loggedOutFile: join(dirname(opts.coreOptions?.settingsFile ?? defaultSettingsFile(env)), 'logged-out.json'),
    })
    : memoryOnly);
  coreOpts.vault = vault;
  const core = await (opts.createCore ?? createAgentCore)(coreOpts);

  const keys = { agentKey, runtimeDir, tokenFiles };
  // Grants end with the agent; an ssh grant's listener closes with its grant.
  // (remoteListeners is made below, from the app; a grant can end only after that.)
  const grants = new GrantStore({ onEnd: (g) => { if (g.kind === 'remote') void remoteListeners.close(g.id); } });
  const tcp = buildCredentialsApp({ core, keys, port: () => port, logger, grants, ...(opts.callbackPort ? { callbackPort: opts.callbackPort } : {}) });
  const remoteListeners = new RemoteListeners(tcp);
  const containerAddresses = opts.containerAddresses ?? [];
  let containers: ContainerListener[] = [];
  const containerInfo = (): { address: string; port: number; listening: boolean }[] =>
    containerAddresses.map((c, i) => ({ address: c.address, port: c.port ?? port, listening: containers[i]?.listening() ?? false }));
  const info = (): AgentInfo => ({
    version: VERSION, pid: process.pid, port, socket, startedAt, persist: vault.describe(),
    ...(containerAddresses.length ? { containers: containerInfo() } : {}),
  });
  const doors = { grants, containerAddresses, port: () => port, openRemote: (id: string, rp: number) => remoteListeners.open(id, rp) };
  const admin = buildAdminApp({ core, keys, info, logger, doors, ...(opts.onStopRequested ? { onStopRequested: opts.onStopRequested } : {}) });
  try {
    try {
      // Fastify hands its options to net.Server#listen, which takes an inherited `fd` (its types omit it).
      await tcp.listen(opts.listenFd !== undefined ? ({ fd: opts.listenFd, host: LISTEN_HOST } as FastifyListenOptions) : { host: LISTEN_HOST, port: opts.port, backlog: LISTEN_BACKLOG });
    } catch (err) {
      // The port clash of two agents started at once on one socket: name the real clash.
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' && await socketAnswers(socket)) throw new AgentAlreadyRunningError(socket);
      throw err;
    }
    const address = tcp.server.address() as AddressInfo;
    if (opts.listenFd !== undefined) assertLoopbackAddress(address.address);
    port = address.port;
    await listenPrivately(socket, () => admin.listen({ path: socket })).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'EADDRINUSE' ? new AgentAlreadyRunningError(socket) : err;
    });
  } catch (err) {
    await Promise.allSettled([tcp.close(), admin.close(), core.close()]);
    await vault.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new InvalidInputError(`port ${opts.port} is in use: pass --port N (or --port 0 for any free port)`);
    }
    throw err;
  }
  serving = true;
  watch.attach(core);
  containers = containerAddresses.map((c) => watchContainerAddress({
    address: c.address, logger, open: () => listenExtra(tcp, { kind: 'container', ...c }, c.address, c.port ?? port),
    ...(opts.containerPollMs !== undefined ? { pollMs: opts.containerPollMs } : {}),
  }));
  await Promise.all(containers.map((c) => c.ready));
  logger.info({ port, socket, version: VERSION, ...(containerAddresses.length ? { containers: containerInfo() } : {}) }, 'listening');
  // Every file a shell may point at gets this start's token, in the background: with thousands of
  // profiles that takes seconds, and the agent serves meanwhile (`env` writes its own file at once).
  writeTokens([...await profilesWithRouteTokenFiles(runtimeDir).catch(() => []), ...core.listProfiles().map((r) => r.profile)]);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      logger.info('shutting down');
      // Long polls (login/wait) would hold close() open for minutes: cut what is left after the grace period.
      const cut = setTimeout(() => {
        tcp.server.closeAllConnections();
        admin.server.closeAllConnections();
      }, SHUTDOWN_GRACE_MS);
      cut.unref();
      grants.clear();
      await Promise.allSettled([tcp.close(), admin.close(), ...containers.map((c) => c.close()), remoteListeners.closeAll()]);
      clearTimeout(cut);
      await tokenFiles.stop();
      await core.close().catch((err: unknown) => logger.warn({ err: String(err) }, 'core did not close cleanly'));
      await watch.close().catch((err: unknown) => logger.warn({ err: String(err) }, 'could not remove the prompt state files'));
      await vault.close();
      await rm(socket, { force: true });
      logger.info('stopped');
    })();
    return closing;
  };
  const reload = async (): Promise<void> => {
    try {
      await core.reload();
      logger.info({ sessions: core.listSessions().length }, 'configuration reloaded');
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'reload failed; keeping the previous sessions');
    }
  };
  return { port, socket, core, logger, runtimeDir, reload, close };
}

/** A start URL as sessions keep it (parseStartUrl), or as written when it is not one. */
function normaliseStartUrl(url: string): string {
  return startUrlProblem(url) ? url : parseStartUrl(url);
}
