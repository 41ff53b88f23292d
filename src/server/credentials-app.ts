import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify from 'fastify';
import type { Logger } from 'pino';
import { NotFoundError, isAgentError } from '../errors.js';
import { GrantStore } from '../store/grants.js';
import type { AgentCore, OAuthCallbackQuery, SessionState } from '../core/types.js';
import { NO_SCHEMAS } from './no-schemas.js';
import { frameworkErrors, installErrorHandling, toAgentError } from './error-handler.js';
import { containerCredentialsBody } from './to-container-credentials.js';
import { listenerResolver, loopbackListener, type Listener } from './listener.js';
import { authorizeCredentialRequest, refusal } from './request-guard.js';
import type { AgentKeys } from './agent-keys.js';
import { TCP_LIMITS } from './tcp-limits.js';
import { warmCredentialsResponder } from './warm-credentials.js';
import { callbackPage } from './callback-page.js';
import { refusalLog } from './refusal-log.js';
import { TCP_LISTENER_LIMITS, createLimitedServer } from './connection-limits.js';

export interface CredentialsAppOptions {
  core: AgentCore;
  keys: AgentKeys;
  /** The TCP port the app listens on; a function because `--port 0` is known only after listen. */
  port: number | (() => number);
  logger: Logger;
  /** Who may fetch what on this listener; default the loopback port's route tokens (listener.ts). */
  listener?: Listener;
  /** For `uptimeSeconds` in /health; injectable for tests. */
  now?: () => number;
  /** Container and ssh grants, checked on their listeners (default: none). */
  grants?: GrantStore;
  /** A second port the OAuth redirect may name in its Host (`serve --callback-port`, for `ssh -L`). */
  callbackPort?: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Every listener's http server, the loopback one and the extra ones (listener-server.ts): the same
 * header limit, timeouts and connection cap (connection-limits.ts).
 */
export function createCredentialsServer(handler: Handler): Server {
  return createLimitedServer(TCP_LISTENER_LIMITS, handler, { maxHeaderSize: TCP_LIMITS.maxHeaderSize });
}

/** What extra listeners need of an app: its request handler (fast path, then Fastify). */
const extraListenerParts = new WeakMap<FastifyInstance, { handler: Handler }>();

export function appRequestHandling(app: FastifyInstance): { handler: Handler } {
  const parts = extraListenerParts.get(app);
  if (!parts) throw new Error('not a credentials app (buildCredentialsApp)');
  return parts;
}

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
  const grants = opts.grants ?? new GrantStore();
  const listenerOf = listenerResolver(opts.listener ?? loopbackListener(port, keys.agentKey, opts.callbackPort), port, grants);
  let closing = false;
  // At debug level every request goes through the app, whose onResponse hook logs it.
  const warm = logger.isLevelEnabled('debug')
    ? () => false
    : warmCredentialsResponder({ core, listenerOf, closing: () => closing, maxRefLength: TCP_LIMITS.maxParamLength });
  const app: FastifyInstance = Fastify({
    // The warm-credentials answer goes first; whatever it does not answer, the app handles.
    // Timeouts and the connection cap come from connection-limits.ts, as for every listener.
    serverFactory: (handler) => createCredentialsServer((req, res) => { if (!warm(req, res)) handler(req, res); }),
    logger: false,
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: TCP_LIMITS.maxParamLength },
    frameworkErrors,
    bodyLimit: TCP_LIMITS.bodyLimit,
    return503OnClosing: true,
    schemaController: NO_SCHEMAS,
  });

  // Extra listeners hand their requests to the same fast path and the same app (app.routing).
  extraListenerParts.set(app, {
    handler: (req, res) => { if (!warm(req, res)) app.routing(req, res); },
  });

  installErrorHandling(app, logger, (p) => KNOWN_PATHS.some((re) => re.test(p)));

  // Every guard in one hook, before any route (and before the 404 handler) runs. A done-callback
  // hook, not an async one: nothing here awaits, and a promise per request costs throughput.
  app.addHook('onRequest', (req, _reply, done) => {
    const listener = listenerOf(req.raw);
    // The OAuth redirect belongs to the loopback listener only: containers and ssh peers get none.
    done(refusal(req.raw, listener, listener.identity.kind === 'loopback' && req.routeOptions.url === OAUTH_CALLBACK_PATH));
  });

  // Registered only when debug is on: the hot path should not build log objects nobody writes.
  if (logger.isLevelEnabled('debug')) app.addHook('onResponse', async (req, reply) => {
    logger.debug({ method: req.method, path: req.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  const refusals = refusalLog(logger, 'OAuth callback refused', { now });
  app.addHook('preClose', (done) => { closing = true; refusals.flush(); done(); });

  app.get<{ Params: { profile: string } }>('/v1/credentials/:profile', async (req, reply) => {
    // The same decision as the fast path's (warm-credentials.ts): one guard, one resolution.
    const role = authorizeCredentialRequest(req.raw, req.params.profile, listenerOf(req.raw), core);
    if (isAgentError(role)) throw role;
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
    if (listenerOf(req.raw).identity.kind !== 'loopback') throw new NotFoundError(`no route ${OAUTH_CALLBACK_PATH} on this listener`);
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
