import { rm } from 'node:fs/promises';
import type { FastifyListenOptions } from 'fastify';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { DestinationStream, Level } from 'pino';
import { createLogger, type Logger } from '../logger.js';
import { settingsFile, socketPath } from '../paths.js';
import type { AgentCoreOptions } from '../sso/agent.js';
import { memoryOnly } from '../sso/persist/session-vault.js';
import type { AgentCore } from '../store/types.js';
import { VERSION } from '../version.js';
import { buildAdminApp, type AgentInfo } from './admin-app.js';
import { buildCredentialsApp } from './credentials-app.js';
import { AgentAlreadyRunningError, InvalidInputError } from '../errors.js';
import { assertSocketPathFits, ensurePrivateDir, listenPrivately, newAgentKey, prepareSocketPath, socketAnswers } from './runtime-files.js';
import { assertLoopbackAddress, inheritedListenFd } from './socket-activation.js';
import { TokenFileWriter, profilesWithTokenFiles, removeStaleTempFiles } from './token-files.js';
import { LISTEN_BACKLOG } from './connection-limits.js';

/** What the daemon hands the core factory: `AgentCoreOptions` (src/sso/agent.ts), with logger, env and redirect filled in. */
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
  /** Default: createAgentCore from src/sso/agent.ts. */
  createCore?: CoreFactory;
  /** Passed on to the core: tests inject clock, retry policy, settings file. */
  coreOptions?: Partial<Omit<AgentCoreOptions, 'logger' | 'env' | 'redirectUri'>>;
  /** A listening TCP socket inherited from systemd (socket-activation.ts); default: none, bind `port`. */
  listenFd?: number;
  /** 'keychain': sessions outlive the process in the OS keychain. Default: memory only. */
  persist?: 'keychain';
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

// Loaded on demand so route tests with a fake core never pull in the AWS SDK.
const defaultCoreFactory: CoreFactory = async (opts) => {
  const { createAgentCore } = await import('../sso/agent.js');
  return createAgentCore(opts);
};

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
  // A run cut short (SIGTERM mid-write) leaves temp files; nothing else ever reads them.
  await removeStaleTempFiles(runtimeDir).catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'could not remove stale token temp files'));
  const tokenFiles = new TokenFileWriter(runtimeDir, agentKey, (err) => logger.warn({ err: err.message }, 'could not write a token file'));
  const writeTokens = (profiles: Iterable<string>): void => tokenFiles.want(profiles);
  const coreOpts: CoreFactoryOptions = {
    ...opts.coreOptions, logger, env, redirectUri: () => `http://127.0.0.1:${port}/oauth/callback`,
    // Before this agent holds the socket the files belong to whoever does: never write them.
    onProfilesChanged: (profiles) => { if (serving) writeTokens(profiles.map((r) => r.profile)); },
  };
  if (opts.syncIntervalMs !== undefined) coreOpts.syncIntervalMs = opts.syncIntervalMs;
  // Without --persist the keychain module is never loaded, so nothing can reach the keychain.
  const vault = opts.coreOptions?.vault ?? (opts.persist === 'keychain'
    ? new (await import('../sso/persist/keychain-vault.js')).KeychainVault({
      logger, env, loggedOutFile: join(dirname(opts.coreOptions?.settingsFile ?? settingsFile(env)), 'logged-out.json'),
    })
    : memoryOnly);
  coreOpts.vault = vault;
  const core = await (opts.createCore ?? defaultCoreFactory)(coreOpts);

  const keys = { agentKey, runtimeDir, tokenFiles };
  const tcp = buildCredentialsApp({ core, keys, port: () => port, logger });
  const info = (): AgentInfo => ({ version: VERSION, pid: process.pid, port, socket, startedAt, persist: vault.describe() });
  const admin = buildAdminApp({ core, keys, info, logger });
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
  logger.info({ port, socket, version: VERSION }, 'listening');
  // Every file a shell may point at gets this start's token, in the background: with thousands of
  // profiles that takes seconds, and the agent serves meanwhile (`env` writes its own file at once).
  writeTokens([...await profilesWithTokenFiles(runtimeDir).catch(() => []), ...core.listProfiles().map((r) => r.profile)]);

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
      await Promise.allSettled([tcp.close(), admin.close()]);
      clearTimeout(cut);
      await tokenFiles.stop();
      await core.close().catch((err: unknown) => logger.warn({ err: String(err) }, 'core did not close cleanly'));
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
