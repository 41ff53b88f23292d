import Fastify, { type FastifyInstance } from 'fastify';
import { BAD_BODY } from './operation.js';
import { Faults } from './faults.js';
import { EmulatorState, type EmulatorConfig } from './state.js';
import { registerOidcRoutes } from './oidc.js';
import { registerPortalRoutes } from './portal.js';
import { registerStsRoutes } from './sts.js';
import { registerControlRoutes } from './control.js';
import { registerFederationRoutes } from './federation.js';
import { registerIamControl } from './iam.js';
import { registerPresignedSts } from './sts-presigned.js';
import { registerEksAuthenticator } from './eks-authenticator.js';

/**
 * A wire-accurate local IAM Identity Center: SSO OIDC, the SSO portal API and STS
 * GetCallerIdentity on one origin, plus `/_emulator/*` control routes. Self-contained on purpose:
 * it shares no module with the agent, so a misreading of the protocol cannot hide on both sides.
 */
export interface EmulatorOptions {
  accounts?: number; // default 3
  rolesPerAccount?: number; // default 2
  autoApprove?: boolean; // device + PKCE authorizations approved at once
  tokenTtl?: number; // access-token lifetime, seconds (default: 8 h without scopes, 1 h with sso:account:access)
  refreshTokenTtl?: number; // seconds: the sign-in session length (default 8 h, IAM Identity Center's default)
  credentialsTtl?: number; // GetRoleCredentials lifetime, seconds (default 3600)
  deviceInterval?: number; // StartDeviceAuthorization `interval`, seconds (default 1)
  deviceExpiresIn?: number; // seconds (default 600)
  latencyMs?: number;
  rateLimit?: number;
  failRate?: number;
  startUrl?: string; // default 'https://d-<10 digits>.awsapps.com/start'
  region?: string; // default 'us-east-1'
  now?: () => number; // epoch ms; default Date.now
  random?: () => number; // [0,1) for failRate; default Math.random
  logger?: boolean; // fastify logger, default false
}

export interface RunningEmulator {
  url: string;
  startUrl: string;
  region: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

// Fixed rather than random so a demo's ~/.aws/config stays valid across emulator restarts.
export const DEFAULT_START_URL = 'https://d-9067230519.awsapps.com/start';
export const DEFAULT_REGION = 'us-east-1';
const DEFAULT_SESSION_S = 8 * 3600;

function numberOption(name: string, v: number | undefined, fallback: number, min = 0): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new RangeError(`emulator option ${name} must be a number >= ${min}, not ${String(v)}`);
  return v;
}

export function resolveConfig(opts: EmulatorOptions): { config: EmulatorConfig; accounts: number; rolesPerAccount: number } {
  const accounts = numberOption('accounts', opts.accounts, 3);
  const rolesPerAccount = numberOption('rolesPerAccount', opts.rolesPerAccount, 2);
  if (!Number.isInteger(accounts) || !Number.isInteger(rolesPerAccount)) throw new RangeError('emulator options accounts and rolesPerAccount must be whole numbers');
  return {
    accounts,
    rolesPerAccount,
    config: {
      autoApprove: opts.autoApprove ?? false,
      tokenTtl: opts.tokenTtl === undefined ? undefined : numberOption('tokenTtl', opts.tokenTtl, 0, 1),
      refreshTokenTtl: numberOption('refreshTokenTtl', opts.refreshTokenTtl, DEFAULT_SESSION_S, 1),
      credentialsTtl: numberOption('credentialsTtl', opts.credentialsTtl, 3600, 1),
      deviceInterval: numberOption('deviceInterval', opts.deviceInterval, 1),
      deviceExpiresIn: numberOption('deviceExpiresIn', opts.deviceExpiresIn, 600, 1),
      startUrl: opts.startUrl ?? DEFAULT_START_URL,
      region: opts.region ?? DEFAULT_REGION,
      user: 'jordan.lee@example.com',
      now: opts.now ?? Date.now,
    },
  };
}

export function buildEmulator(opts: EmulatorOptions = {}): FastifyInstance {
  const { config, accounts, rolesPerAccount } = resolveConfig(opts);
  const faults = new Faults(
    {
      latencyMs: numberOption('latencyMs', opts.latencyMs, 0),
      rateLimit: numberOption('rateLimit', opts.rateLimit, 0),
      failRate: numberOption('failRate', opts.failRate, 0),
    },
    config.now,
    opts.random ?? Math.random,
  );
  const state = new EmulatorState(config, faults, { accounts, rolesPerAccount });
  // SDK clients keep connections alive; close() must not wait for them.
  const app = Fastify({ logger: opts.logger ?? false, forceCloseConnections: true });

  // Bodies are read as text so that malformed JSON becomes the service's own error, not Fastify's,
  // and so STS sees the exact bytes the client signed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(null, BAD_BODY);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, String(body)));

  registerOidcRoutes(app, state);
  registerPortalRoutes(app, state);
  registerStsRoutes(app, state);
  registerControlRoutes(app, state);
  registerFederationRoutes(app, state);
  registerIamControl(app, state.iam);

  registerPresignedSts(app, state, () => `IAM Identity Center emulator\nstart URL: ${config.startUrl}\nregion: ${config.region}\n`);
  registerEksAuthenticator(app, state);
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .header('x-amzn-errortype', 'UnknownOperationException')
      .send({ message: `No such route: ${req.method} ${req.url.split('?')[0]}` }),
  );
  app.setErrorHandler((err: { statusCode?: number; message?: string }, _req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 ? err.statusCode : 500;
    return reply.code(status).send({ message: err.message ?? 'error' });
  });
  return app;
}

/**
 * `host`: where to listen (default 127.0.0.1). Tests that put clients in a network namespace of
 * their own give the address of that namespace's link; `url` then names that address.
 */
export async function startEmulator(opts: EmulatorOptions & { port?: number; host?: string } = {}): Promise<RunningEmulator> {
  const { port, host = '127.0.0.1', ...rest } = opts;
  const app = buildEmulator(rest);
  await app.listen({ host, port: port ?? 0 });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port ?? 0;
  const { config } = resolveConfig(rest);
  return {
    url: `http://${host}:${actualPort}`,
    startUrl: config.startUrl,
    region: config.region,
    app,
    close: () => app.close(),
  };
}
