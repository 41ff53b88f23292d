import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireCjs } from '../require-cjs.js';
import type { Logger } from 'pino';
import {
  AccessDeniedError, BadRequestError, ForbiddenRequestError, MethodNotAllowedError,
  MissingAuthorizationError, UriTooLongError, isAgentError,
} from '../errors.js';
import type { AgentCore, CatalogRole, OAuthCallbackQuery, SessionState } from '../store/types.js';
import { browserHeader, checkHost, hostHeaderCount } from './check-host.js';
import { NO_SCHEMAS } from './no-schemas.js';
import { frameworkErrors, installErrorHandling, toAgentError } from './error-handler.js';
import { verifyProfileToken } from './profile-token.js';
import { containerCredentialsBody } from './to-container-credentials.js';
import { TokenDigests } from './token-digests.js';
import { callbackPage } from './callback-page.js';

const Fastify = requireCjs('fastify') as typeof import('fastify').default;

/** The agent's secret material, loaded once by the daemon. */
export interface AgentKeys {
  /** HMAC key for per-profile tokens (see profile-token.ts); new at every start. */
  agentKey: Buffer;
  /** The private folder holding the socket and the token files (token-files.ts). */
  runtimeDir: string;
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
  maxUrlLength: 2048,
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
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: TCP_LIMITS.maxParamLength },
    frameworkErrors,
    bodyLimit: TCP_LIMITS.bodyLimit,
    http: { maxHeaderSize: TCP_LIMITS.maxHeaderSize },
    return503OnClosing: true,
    schemaController: NO_SCHEMAS,
  });

  installErrorHandling(app, logger, (p) => KNOWN_PATHS.some((re) => re.test(p)));

  // Every guard in one hook, before any route (and before the 404 handler) runs. A done-callback
  // hook, not an async one: nothing here awaits, and a promise per request costs throughput.
  const guard = (req: FastifyRequest): void => {
    if (hostHeaderCount(req.raw.rawHeaders) > 1) {
      throw new BadRequestError('the request carries more than one Host header (RFC 9112 requires a single one)');
    }
    if (!checkHost(req.headers.host, port())) {
      throw new ForbiddenRequestError('the Host header must be 127.0.0.1 or localhost with the agent\'s port (DNS-rebinding guard)');
    }
    if (req.headers.origin !== undefined) {
      throw new ForbiddenRequestError('requests from web pages (with an Origin header) are refused: credentials are for local SDKs only');
    }
    // The OAuth redirect is the one request a browser is meant to make (and it sends fetch metadata).
    const fromBrowser = req.routeOptions.url === OAUTH_CALLBACK_PATH ? undefined : browserHeader(req.headers);
    if (fromBrowser !== undefined) {
      throw new ForbiddenRequestError(`requests carrying ${fromBrowser} (sent by web browsers) are refused: credentials are for local SDKs only`);
    }
    if (req.method !== 'GET') {
      throw new MethodNotAllowedError(`${req.method} is not allowed: this port answers GET only`);
    }
    if (req.url.length > TCP_LIMITS.maxUrlLength) {
      throw new UriTooLongError(`the URL is longer than ${TCP_LIMITS.maxUrlLength} characters`);
    }
  };
  app.addHook('onRequest', (req, _reply, done) => {
    try {
      guard(req);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });

  // Registered only when debug is on: the hot path should not build log objects nobody writes.
  if (logger.isLevelEnabled('debug')) app.addHook('onResponse', async (req, reply) => {
    logger.debug({ method: req.method, path: req.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  const digests = new TokenDigests(keys.agentKey);
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
    if (!digests.matches(role, presented)) throw new AccessDeniedError(ref);
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
      logger.warn({ errorCode: e.code }, 'OAuth callback refused');
      return reply.code(e.status).send(callbackPage({ ok: false, message: e.message }));
    }
  });

  return app;
}
