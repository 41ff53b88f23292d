import { rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { DestinationStream, Level } from 'pino';
import { InvalidInputError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { socketPath } from '../paths.js';
import type { AgentCoreOptions } from '../sso/agent.js';
import { memoryOnly } from '../sso/persist/session-vault.js';
import type { AgentCore } from '../store/types.js';
import { VERSION } from '../version.js';
import { buildAdminApp, type AgentInfo } from './admin-app.js';
import { buildCredentialsApp } from './credentials-app.js';
import { listenPrivately, loadOrCreateAgentKey, prepareSocketPath } from './runtime-files.js';

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
  /** Only loopback; anything else is refused before binding. */
  host?: string;
  /** 'keychain': sessions outlive the process in the OS keychain. Default: memory only. */
  persist?: 'keychain';
}

export interface RunningDaemon {
  port: number;
  socket: string;
  core: AgentCore;
  logger: Logger;
  /** Stops accepting, lets in-flight requests finish (long polls are cut after SHUTDOWN_GRACE_MS), removes the socket. */
  close(): Promise<void>;
}

/** In-flight requests get this long to finish on shutdown; the contract is a clean exit within 2 s. */
export const SHUTDOWN_GRACE_MS = 1200;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

export function assertLoopbackHost(host: string): void {
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new InvalidInputError(`refusing to listen on ${host}: the agent serves credentials on loopback only (127.0.0.1 or ::1)`);
  }
}

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
  const host = opts.host ?? '127.0.0.1';
  assertLoopbackHost(host);
  const logger = opts.logger ?? createLogger({ level: opts.logLevel ?? 'info', stream: opts.logStream });
  const socket = opts.socket ?? socketPath(env);

  // The key's folder is the socket's folder; loadOrCreateAgentKey makes sure it is private.
  const agentKey = await loadOrCreateAgentKey(dirname(socket));
  await prepareSocketPath(socket);

  let port = 0;
  const startedAt = new Date().toISOString();
  const coreOpts: CoreFactoryOptions = { ...opts.coreOptions, logger, env, redirectUri: () => `http://127.0.0.1:${port}/oauth/callback` };
  if (opts.syncIntervalMs !== undefined) coreOpts.syncIntervalMs = opts.syncIntervalMs;
  // Without --persist the keychain module is never loaded, so nothing can reach the keychain.
  const vault = opts.coreOptions?.vault ?? (opts.persist === 'keychain'
    ? new (await import('../sso/persist/keychain-vault.js')).KeychainVault({ logger, env })
    : memoryOnly);
  coreOpts.vault = vault;
  const core = await (opts.createCore ?? defaultCoreFactory)(coreOpts);

  const keys = { agentKey };
  const tcp = buildCredentialsApp({ core, keys, port: () => port, logger });
  const info = (): AgentInfo => ({ version: VERSION, pid: process.pid, port, socket, startedAt, persist: vault.describe() });
  const admin = buildAdminApp({ core, keys, info, logger });
  try {
    await tcp.listen({ host, port: opts.port });
    port = (tcp.server.address() as AddressInfo).port;
    await listenPrivately(socket, () => admin.listen({ path: socket }));
  } catch (err) {
    await Promise.allSettled([tcp.close(), admin.close(), core.close()]);
    await vault.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new InvalidInputError(`port ${opts.port} is in use: pass --port N (or --port 0 for any free port)`);
    }
    throw err;
  }
  logger.info({ port, socket, version: VERSION }, 'listening');

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
      await core.close().catch((err: unknown) => logger.warn({ err: String(err) }, 'core did not close cleanly'));
      await vault.close();
      await rm(socket, { force: true });
      logger.info('stopped');
    })();
    return closing;
  };
  return { port, socket, core, logger, close };
}
