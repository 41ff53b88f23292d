import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import type { Logger } from 'pino';
import { AccessDeniedError, MissingAuthorizationError, isAgentError } from '../errors.js';
import type { AgentCore, CatalogRole, OAuthCallbackQuery, SessionState } from '../store/types.js';
import { NO_SCHEMAS } from './no-schemas.js';
import { frameworkErrors, installErrorHandling, toAgentError } from './error-handler.js';
import { verifyProfileToken } from './profile-token.js';
import { containerCredentialsBody } from './to-container-credentials.js';
import { HeldTokens } from './held-tokens.js';
import { MAX_URL_LENGTH, refusal } from './request-guard.js';
import { warmCredentialsResponder } from './warm-credentials.js';
import { callbackPage } from './callback-page.js';
import { refusalLog } from './refusal-log.js';
import type { TokenFileWriter } from './token-files.js';
import { TCP_LISTENER_LIMITS, createLimitedServer } from './connection-limits.js';

/** The agent's secret material, loaded once by the daemon. */
export interface AgentKeys {
  /** HMAC key for per-profile tokens (see profile-token.ts); new at every start. */
  agentKey: Buffer;
  /** The private folder holding the socket and the token files (token-files.ts). */
  runtimeDir: string;
  /** Writes the token files; default: each file written when asked. */
  tokenFiles?: TokenFileWriter;
}

export interface CredentialsAppOptions {
  core: AgentCore;
  keys: AgentKeys;
  /** The TCP port the app listens on; a function because `--port 0` is known only after listen. */
  port: number | (() => number);
  logger: Logger;
  /** For `uptimeSeconds` in /health; injectable for tests. */
  now?: () => number;
}

/** Limits sized for what SDKs send: a profile path, an Authorization header, a few standard headers. */
export const TCP_LIMITS = {
  /** Longest URL accepted: an encoded role ARN fits many times over; megabyte URLs are an attack. */
  maxUrlLength: MAX_URL_LENGTH,
  /** Longest route parameter (profile name, `ACCOUNT:ROLE` or role ARN). */
  maxParamLength: 512,
  /** Only GET is served; no request has a body. */
  bodyLimit: 1024,
  /** All headers together; node's default is 16 KiB. */
  maxHeaderSize: 8192,
} as const;

const OAUTH_CALLBACK_PATH = '/oauth/callback';
const KNOWN_PATHS = [/^\/v1\/credentials\/[^/]+$/, /^\/health$/, /^\/oauth\/callback$/];

/**
 * The TCP app on 127.0.0.1: container credentials, health, and the PKCE redirect target. Built,
 * not listening: the daemon listens, route tests use `inject()`.
 */
export function buildCredentialsApp(opts: CredentialsAppOptions): FastifyInstance {
  const { core, keys, logger } = opts;
  const port = typeof opts.port === 'function' ? opts.port : () => opts.port as number;
  const now = opts.now ?? Date.now;
  const startedAt = now();
  const tokens = new HeldTokens(keys.agentKey);
  let closing = false;
  // At debug level every request goes through the app, whose onResponse hook logs it.
  const warm = logger.isLevelEnabled('debug')
    ? () => false
    : warmCredentialsResponder({ core, tokens, port, closing: () => closing, maxRefLength: TCP_LIMITS.maxParamLength });
  const app = Fastify({
    // The warm-credentials answer goes first; whatever it does not answer, the app handles.
    // Timeouts and the connection cap come from connection-limits.ts, as for every listener.
    serverFactory: (handler) => createLimitedServer(TCP_LISTENER_LIMITS, (req, res) => {
      if (!warm(req, res)) handler(req, res);
    }, { maxHeaderSize: TCP_LIMITS.maxHeaderSize }),
    logger: false,
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: TCP_LIMITS.maxParamLength },
    frameworkErrors,
    bodyLimit: TCP_LIMITS.bodyLimit,
    return503OnClosing: true,
    schemaController: NO_SCHEMAS,
  });

  installErrorHandling(app, logger, (p) => KNOWN_PATHS.some((re) => re.test(p)));

  // Every guard in one hook, before any route (and before the 404 handler) runs. A done-callback
  // hook, not an async one: nothing here awaits, and a promise per request costs throughput.
  app.addHook('onRequest', (req, _reply, done) => {
    done(refusal(req.raw, port(), req.routeOptions.url === OAUTH_CALLBACK_PATH));
  });

  // Registered only when debug is on: the hot path should not build log objects nobody writes.
  if (logger.isLevelEnabled('debug')) app.addHook('onResponse', async (req, reply) => {
    logger.debug({ method: req.method, path: req.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  const refusals = refusalLog(logger, 'OAuth callback refused', { now });
  app.addHook('preClose', (done) => { closing = true; refusals.flush(); done(); });

  app.get<{ Params: { profile: string } }>('/v1/credentials/:profile', async (req, reply) => {
    const ref = req.params.profile;
    const presented = req.headers.authorization;
    if (presented === undefined || presented === '') throw new MissingAuthorizationError(ref);
    let role: CatalogRole;
    try {
      role = core.resolveProfile(ref);
    } catch (err) {
      // Only a caller holding a valid token for this very name learns that the profile is gone;
      // anyone else gets the same 403 as for an existing profile, so names cannot be probed.
      if (isAgentError(err) && err.code === 'ProfileNotFound') {
        if (verifyProfileToken(keys.agentKey, ref, presented)) throw err;
        throw new AccessDeniedError(ref);
      }
      throw err;
    }
    if (!tokens.matches(role, presented)) throw new AccessDeniedError(ref);
    const creds = await core.getCredentials(role);
    return reply.header('content-type', 'application/json').header('cache-control', 'no-store')
      .send(containerCredentialsBody(creds));
  });

  // Unauthenticated, so it says only whether the agent can serve; per-session detail (names,
  // counts, expiry) stays on the private admin socket (`sso-agent status`).
  app.get('/health', async (_req, reply) => {
    // A session whose refresh token is still good is healthy even while its access token is renewed.
    const unhealthy: SessionState[] = ['login-needed'];
    const degraded = core.listSessions().some((s) => unhealthy.includes(s.state) || s.lastSyncError !== undefined);
    return reply.header('cache-control', 'no-store').send({
      status: degraded ? 'degraded' : 'ok',
      uptimeSeconds: Math.max(0, Math.round((now() - startedAt) / 1000)),
    });
  });

  app.get<{ Querystring: Record<string, unknown> }>(OAUTH_CALLBACK_PATH, async (req, reply) => {
    const q = req.query ?? {};
    const pick = (k: string): string | undefined => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
    const query: OAuthCallbackQuery = {
      state: pick('state'), code: pick('code'), error: pick('error'), error_description: pick('error_description'),
    };
    reply.header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      // The URL carries the authorization code: never send it on as a Referer.
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    try {
      const { session } = await core.completeOAuthCallback(query);
      logger.info({ session }, 'login approved in the browser');
      return reply.code(200).send(callbackPage({ ok: true, session }));
    } catch (err) {
      const e = toAgentError(err);
      refusals.note(e.code);
      return reply.code(e.status).send(callbackPage({ ok: false, message: e.message }));
    }
  });

  return app;
}
