import type { FastifyInstance, FastifyReply } from 'fastify';
import Fastify from 'fastify';
import type { Logger } from 'pino';
import {
  ADMIN_PATTERNS, ADMIN_ROUTES, type AgentInfo, type EnvReply, type LoginReply, type LogoutReply, type ProfilesReply,
  type SessionRemoveReply, type StatusReply, type StopReply, type SyncReply,
} from '../core/admin-api.js';
import { ForbiddenRequestError, InvalidInputError, BadUsageError } from '../errors.js';
import type { AgentCore, LoginFlow, LoginRequest, SyncSummary } from '../core/types.js';
import type { AgentKeys } from './agent-keys.js';
import { TCP_LIMITS } from './tcp-limits.js';
import { NO_SCHEMAS } from './no-schemas.js';
import { frameworkErrors, installErrorHandling } from './error-handler.js';
import { routeToken } from './route-token.js';
import { writeRouteTokenFile } from './route-token-files.js';
import { toProcessOutput } from './to-process-output.js';
import { toConsoleReply } from './to-console-reply.js';
import { registerEksTokenRoute } from './eks/eks-token-route.js';
import { type GrantDoors, registerGrantRoutes } from './admin-grants.js';
import { ADMIN_LISTENER_LIMITS, createLimitedServer, type ListenerLimits } from './connection-limits.js';
import { jsonArrayStream } from './json-array-stream.js';

export type { AgentInfo, EnvReply, LogoutReply } from '../core/admin-api.js';

export interface AdminAppOptions {
  core: AgentCore;
  keys: AgentKeys;
  /** Facts about the running agent for /v1/status; a function because the port is known only after listen. */
  info: () => AgentInfo;
  logger: Logger;
  /** Epoch ms for what the admin API signs (EKS tokens); Date.now unless a test holds the clock. */
  now?: () => number;
  /** `sso-agent stop`: without it (an agent embedded in a test) the route says the agent cannot be stopped so. */
  onStopRequested?: () => void;
  /** Container and ssh grants; without it the grant routes answer 404. */
  doors?: GrantDoors;
  /** Default ADMIN_LISTENER_LIMITS; tests shorten the timeouts. */
  limits?: ListenerLimits;
}

/** The admin patterns as regular expressions, for the 404-or-405 decision. */
const KNOWN_PATHS = ADMIN_PATTERNS.map((p) => new RegExp(`^${p.replace(/:[a-z]+/g, '[^/]+')}$`));

/** The URL SDKs fetch; always 127.0.0.1 (the one loopback form every SDK's allow-list accepts). */
export function credentialsUri(port: number, profile: string): string {
  return `http://127.0.0.1:${port}/v1/credentials/${encodeURIComponent(profile)}`;
}

/**
 * The admin API on the unix socket (0600, so only this user reaches it): everything the CLI needs.
 * Built, not listening.
 */
export function buildAdminApp(opts: AdminAppOptions): FastifyInstance {
  const { core, keys, logger, info } = opts;
  const limits = opts.limits ?? ADMIN_LISTENER_LIMITS;
  const app = Fastify({
    serverFactory: (handler) => createLimitedServer(limits, handler),
    logger: false,
    exposeHeadRoutes: false,
    // Fastify's default (100) is shorter than an encoded IAM Identity Center role ARN.
    routerOptions: { maxParamLength: TCP_LIMITS.maxParamLength },
    frameworkErrors,
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    schemaController: NO_SCHEMAS,
  });
  installErrorHandling(app, logger, (p) => KNOWN_PATHS.some((re) => re.test(p)));

  // The socket is private, but a browser cannot reach it anyway; refuse Origin as defence in depth.
  app.addHook('onRequest', async (req) => {
    if (req.headers.origin !== undefined) throw new ForbiddenRequestError('requests with an Origin header are refused');
    // While the agent works on the answer (a login waiting for the browser, a long sync) the
    // connection is quiet by design; once the answer goes out, a client that does not read it is cut.
    quietFor(req.raw.socket, 0);
  });
  app.addHook('onSend', async (req) => {
    quietFor(req.raw.socket, limits.idleTimeoutMs);
  });

  if (opts.doors) registerGrantRoutes(app, core, opts.doors);

  app.get(ADMIN_ROUTES.status, async (): Promise<StatusReply> => ({
    agent: info(), sessions: core.listSessions(), ...(core.configProblems ? { configProblems: core.configProblems() } : {}),
  }));

  app.post(ADMIN_ROUTES.stop, async (_req, reply): Promise<StopReply> => {
    const stop = opts.onStopRequested;
    if (!stop) throw new InvalidInputError('this agent is not stopped through its socket: end the process that runs it');
    logger.info('stop requested over the admin socket');
    // After the reply is on its way, so `sso-agent stop` hears back before the socket closes.
    reply.raw.once('finish', () => setImmediate(stop));
    return { pid: info().pid };
  });

  // Tens of thousands of roles make megabytes of JSON: written as the client reads it, so a client
  // that never reads holds a socket buffer, not a copy of the catalog.
  app.get(ADMIN_ROUTES.profiles, async (_req, reply) => reply.header('content-type', 'application/json; charset=utf-8')
    .send(jsonArrayStream(core.listProfiles() satisfies ProfilesReply)));

  app.post(ADMIN_ROUTES.login, async (req): Promise<LoginReply> => {
    const login = parseLoginRequest(req.body);
    return core.alreadyLoggedIn(login) ?? core.startLogin(login);
  });

  app.post(ADMIN_ROUTES.loginWait, async (req, reply): Promise<SyncSummary> => {
    const body = asObject(req.body);
    const session = optionalString(body, 'session');
    if (!session) throw new InvalidInputError('login/wait needs {"session": NAME}');
    // The `login` command went away (Ctrl-C) before the login finished: the agent cancels it.
    const abandoned = new AbortController();
    let answered = false;
    reply.raw.once('close', () => { if (!answered) abandoned.abort(); });
    try {
      return await core.waitLogin(session, abandoned.signal);
    } finally {
      answered = true;
    }
  });

  app.post(ADMIN_ROUTES.logout, async (req): Promise<LogoutReply> => {
    const body = asObject(req.body);
    const session = optionalString(body, 'session');
    const all = body.all === true;
    const known = core.listSessions().map((s) => s.name);
    let names: string[];
    if (all) names = known;
    else if (session) names = [session];
    else if (known.length === 1) names = known;
    else if (known.length === 0) names = [];
    else throw new BadUsageError(`there are ${known.length} sessions (${known.join(', ')}): pass --session NAME or --all`);
    const portalFailed: string[] = [];
    const keychainMayRemain: string[] = [];
    for (const name of names) {
      const result = await core.logout(name);
      if (result.portal === 'failed') portalFailed.push(name);
      if (result.keychainItemMayRemain) keychainMayRemain.push(name);
      logger.info({ session: name }, 'logged out');
    }
    return { loggedOut: names, ...(portalFailed.length ? { portalFailed } : {}), ...(keychainMayRemain.length ? { keychainMayRemain } : {}) };
  });

  app.post(ADMIN_ROUTES.sync, async (req): Promise<SyncReply> => {
    const body = asObject(req.body);
    return core.sync(optionalString(body, 'session'));
  });

  app.post(ADMIN_ROUTES.sessionRemove, async (req): Promise<SessionRemoveReply> => {
    const session = optionalString(asObject(req.body), 'session');
    if (!session) throw new BadUsageError('session remove needs a session name: `sso-agent session remove NAME`');
    const removed = await core.removeSession(session);
    logger.info({ session, removedProfiles: removed.removedProfiles }, 'session removed');
    return removed;
  });

  app.get<{ Params: { profile: string } }>(ADMIN_ROUTES.env.pattern, async (req): Promise<EnvReply> => {
    const role = core.resolveProfile(req.params.profile);
    // Written now as well, so the path `env` prints always exists, whatever the catalog hook did.
    const tokenFile = keys.tokenFiles ? await keys.tokenFiles.writeNow(role.profile) : await writeRouteTokenFile(keys.runtimeDir, keys.agentKey, role.profile);
    // A chained profile's own region wins over its session's.
    const region = role.region ?? core.listSessions().find((s) => s.name === role.session)?.region;
    return {
      profile: role.profile, uri: credentialsUri(info().port, role.profile), token: routeToken(keys.agentKey, role.profile), tokenFile,
      ...(region ? { region } : {}),
    };
  });

  // The credential_process output ready to print, final newline included, so the shell client
  // (bin/sso-agent-credential-process.sh) writes the bytes `sso-agent credential-process` would.
  const processOutput = async (ref: string, reply: FastifyReply): Promise<FastifyReply> => {
    const creds = await core.getCredentials(core.resolveProfile(ref));
    return reply.header('content-type', 'application/json').header('cache-control', 'no-store')
      .send(`${JSON.stringify(toProcessOutput(creds))}\n`);
  };
  app.get<{ Params: { profile: string } }>(ADMIN_ROUTES.process.pattern, async (req, reply) => processOutput(req.params.profile, reply));
  // The same, with the profile in the query: curl percent-encodes it there (`-G --data-urlencode`).
  app.get<{ Querystring: Record<string, unknown> }>(ADMIN_ROUTES.credentialProcess, async (req, reply) => {
    const profile = req.query?.profile;
    if (typeof profile !== 'string' || profile === '') throw new InvalidInputError('credential-process needs ?profile=NAME');
    return processOutput(profile, reply);
  });

  app.get<{ Params: { profile: string } }>(ADMIN_ROUTES.console.pattern, async (req, reply) => {
    const role = core.resolveProfile(req.params.profile);
    const creds = await core.getCredentials(role);
    return reply.header('cache-control', 'no-store').send(toConsoleReply(role, core.listSessions(), creds));
  });

  registerEksTokenRoute(app, { core, now: opts.now ?? Date.now, env: process.env });

  return app;
}

/** The socket's idle timeout (0: none); `inject()`'s stand-in socket has none to set. */
function quietFor(socket: { setTimeout?: (ms: number) => unknown } | undefined, ms: number): void {
  if (typeof socket?.setTimeout === 'function') socket.setTimeout(ms);
}

function asObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new InvalidInputError('the request body must be a JSON object');
  return body as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '') throw new InvalidInputError(`${key} must be a non-empty string`);
  return v;
}

/** The LoginRequest the core receives, checked field by field so the core never sees junk. */
export function parseLoginRequest(raw: unknown): LoginRequest {
  const body = asObject(raw);
  const flow = body.flow;
  if (flow !== 'pkce' && flow !== 'device') throw new InvalidInputError('flow must be "pkce" or "device"');
  const req: LoginRequest = { flow: flow as LoginFlow };
  const session = optionalString(body, 'session');
  const startUrl = optionalString(body, 'startUrl');
  const region = optionalString(body, 'region');
  if (session !== undefined) req.session = session;
  if (startUrl !== undefined) req.startUrl = startUrl;
  if (region !== undefined) req.region = region;
  if (body.force !== undefined) {
    if (typeof body.force !== 'boolean') throw new InvalidInputError('force must be true or false');
    req.force = body.force;
  }
  // With a known --session, --region alone is checked against the session's (a mismatch is refused).
  if ((startUrl === undefined) !== (region === undefined) && !(session !== undefined && startUrl === undefined)) {
    throw new BadUsageError('--start-url and --region go together: pass both to add a session');
  }
  if (body.scopes !== undefined) {
    if (!Array.isArray(body.scopes) || !body.scopes.every((s) => typeof s === 'string' && s !== '')) {
      throw new InvalidInputError('scopes must be a list of non-empty strings');
    }
    req.scopes = body.scopes as string[];
  }
  return req;
}
