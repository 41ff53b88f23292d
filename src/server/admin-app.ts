import type { FastifyInstance, FastifyReply } from 'fastify';
import { requireCjs } from '../require-cjs.js';
import type { Logger } from 'pino';
import { ForbiddenRequestError, InvalidInputError, UsageError } from '../errors.js';
import type { AgentCore, LoginFlow, LoginRequest } from '../store/types.js';
import type { AgentKeys } from './credentials-app.js';
import { NO_SCHEMAS } from './no-schemas.js';
import { frameworkErrors, installErrorHandling } from './error-handler.js';
import { profileToken } from './profile-token.js';
import { toProcessOutput } from './to-process-output.js';

const Fastify = requireCjs('fastify') as typeof import('fastify').default;

export interface AgentInfo {
  version: string;
  pid: number;
  port: number;
  socket: string;
  /** ISO-8601 UTC. */
  startedAt: string;
}

export interface AdminAppOptions {
  core: AgentCore;
  keys: AgentKeys;
  /** Facts about the running agent for /v1/status; a function because the port is known only after listen. */
  info: () => AgentInfo;
  logger: Logger;
}

/** What `GET /v1/env/:profile` answers: everything `sso-agent env` prints. */
export interface EnvReply { profile: string; uri: string; token: string }

export interface LogoutReply { loggedOut: string[] }

const KNOWN_PATHS = [/^\/v1\/(status|profiles|login|login\/wait|logout|sync|credential-process)$/, /^\/v1\/(env|process)\/[^/]+$/];

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
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    frameworkErrors,
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    schemaController: NO_SCHEMAS,
  });
  installErrorHandling(app, logger, (p) => KNOWN_PATHS.some((re) => re.test(p)));

  // The socket is private, but a browser cannot reach it anyway; refuse Origin as defence in depth.
  app.addHook('onRequest', async (req) => {
    if (req.headers.origin !== undefined) throw new ForbiddenRequestError('requests with an Origin header are refused');
  });

  app.get('/v1/status', async () => ({ agent: info(), sessions: core.listSessions() }));

  app.get('/v1/profiles', async () => core.listProfiles());

  app.post('/v1/login', async (req) => core.startLogin(parseLoginRequest(req.body)));

  app.post('/v1/login/wait', async (req) => {
    const body = asObject(req.body);
    const session = optionalString(body, 'session');
    if (!session) throw new InvalidInputError('login/wait needs {"session": NAME}');
    return core.waitLogin(session);
  });

  app.post('/v1/logout', async (req): Promise<LogoutReply> => {
    const body = asObject(req.body);
    const session = optionalString(body, 'session');
    const all = body.all === true;
    const known = core.listSessions().map((s) => s.name);
    let names: string[];
    if (all) names = known;
    else if (session) names = [session];
    else if (known.length === 1) names = known;
    else if (known.length === 0) names = [];
    else throw new UsageError(`there are ${known.length} sessions (${known.join(', ')}): pass --session NAME or --all`);
    for (const name of names) {
      await core.logout(name);
      logger.info({ session: name }, 'logged out');
    }
    return { loggedOut: names };
  });

  app.post('/v1/sync', async (req) => {
    const body = asObject(req.body);
    return core.sync(optionalString(body, 'session'));
  });

  app.get<{ Params: { profile: string } }>('/v1/env/:profile', async (req): Promise<EnvReply> => {
    const role = core.resolveProfile(req.params.profile);
    return { profile: role.profile, uri: credentialsUri(info().port, role.profile), token: profileToken(keys.agentKey, role.profile) };
  });

  // The credential_process output ready to print, final newline included, so the shell client
  // (bin/sso-agent-credential-process.sh) writes the bytes `sso-agent credential-process` would.
  const processOutput = async (ref: string, reply: FastifyReply): Promise<FastifyReply> => {
    const creds = await core.getCredentials(core.resolveProfile(ref).profile);
    return reply.header('content-type', 'application/json').header('cache-control', 'no-store')
      .send(`${JSON.stringify(toProcessOutput(creds))}\n`);
  };
  app.get<{ Params: { profile: string } }>('/v1/process/:profile', async (req, reply) => processOutput(req.params.profile, reply));
  // The same, with the profile in the query: curl percent-encodes it there (`-G --data-urlencode`).
  app.get<{ Querystring: Record<string, unknown> }>('/v1/credential-process', async (req, reply) => {
    const profile = req.query?.profile;
    if (typeof profile !== 'string' || profile === '') throw new InvalidInputError('credential-process needs ?profile=NAME');
    return processOutput(profile, reply);
  });

  return app;
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
  if ((startUrl === undefined) !== (region === undefined)) {
    throw new UsageError('--start-url and --region go together: pass both to add a session');
  }
  if (body.scopes !== undefined) {
    if (!Array.isArray(body.scopes) || !body.scopes.every((s) => typeof s === 'string' && s !== '')) {
      throw new InvalidInputError('scopes must be a list of non-empty strings');
    }
    req.scopes = body.scopes as string[];
  }
  return req;
}
