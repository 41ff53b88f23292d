import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ids } from './ids.js';
import type { EmulatorState, RoleCredentials } from './state.js';

/**
 * The AWS federation endpoint (`signin.aws.amazon.com/federation`, IAM User Guide: "Enable custom
 * identity broker access to the AWS console"): `Action=getSigninToken` turns temporary credentials
 * into `{"SigninToken": …}`, `Action=login` turns the token into a console session and redirects to
 * `Destination`. Refusals are HTTP 400 with a servlet error page ("Invalid credentials parameter",
 * "The request sent by the client was syntactically incorrect."), the body quoted in
 * 99designs/aws-vault#77 and Bridgewater/holochrome#8.
 *
 * Stricter than AWS on one point, on purpose: AWS's own `aws signin` test expects a token even
 * for made-up credentials (aws/aws-cli, awscli/customizations/signin), failing only at login; the
 * emulator refuses them at getSigninToken already, so an agent that hands over the wrong keys is
 * caught by the call it makes.
 */

/** "The URL that the federation endpoint provides is valid for 15 minutes after it is created." */
const SIGNIN_TOKEN_TTL_MS = 15 * 60_000;
const MIN_SESSION_S = 900;
const MAX_SESSION_S = 43_200;

export interface SigninToken {
  token: string;
  accessKeyId: string;
  expiresAt: number;
  /** When the console session it opens would end. */
  sessionEndsAt: number;
}

function params(req: FastifyRequest): URLSearchParams {
  const q = new URL(req.url, 'http://placeholder').searchParams;
  if (req.method === 'POST' && typeof req.body === 'string') {
    for (const [k, v] of new URLSearchParams(req.body)) q.append(k, v);
  }
  return q;
}

function errorReport(message: string): string {
  return '<html><head><title>Error report</title></head><body>'
    + `<h1>HTTP Status 400 - ${htmlText(message)}</h1><hr>`
    + '<p><b>type</b> Status report</p>'
    + `<p><b>message</b> <u>${htmlText(message)}</u></p>`
    + '<p><b>description</b> <u>The request sent by the client was syntactically incorrect.</u></p>'
    + '<hr></body></html>';
}

function htmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function refuse(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).header('content-type', 'text/html;charset=utf-8').send(errorReport(message));
}

/** The issued credentials the Session document names, or undefined for anything else. */
function sessionCredentials(state: EmulatorState, raw: string | null): RoleCredentials | undefined {
  if (!raw) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const { sessionId, sessionKey, sessionToken } = doc as Record<string, unknown>;
  if (typeof sessionId !== 'string' || typeof sessionKey !== 'string' || typeof sessionToken !== 'string') return undefined;
  const creds = state.credentials.get(sessionId);
  if (!creds || creds.secretAccessKey !== sessionKey || creds.sessionToken !== sessionToken) return undefined;
  if (creds.expiresAt <= state.now()) return undefined;
  return creds;
}

function getSigninToken(state: EmulatorState, q: URLSearchParams, reply: FastifyReply): FastifyReply {
  state.count('GetSigninToken');
  const rawDuration = q.get('SessionDuration');
  let durationS: number | undefined;
  if (rawDuration !== null) {
    durationS = Number(rawDuration);
    if (!/^\d+$/.test(rawDuration) || durationS < MIN_SESSION_S || durationS > MAX_SESSION_S) return refuse(reply, 'Invalid SessionDuration parameter');
  }
  const creds = sessionCredentials(state, q.get('Session'));
  if (!creds) return refuse(reply, 'Invalid credentials parameter');
  // Role-chained credentials take no SessionDuration (aws-vault#77: "Invalid credentials parameter").
  if (durationS !== undefined && creds.chained) return refuse(reply, 'Invalid credentials parameter');
  const now = state.now();
  const token = ids.signinToken();
  state.signinTokens.set(token, {
    token,
    accessKeyId: creds.accessKeyId,
    expiresAt: now + SIGNIN_TOKEN_TTL_MS,
    sessionEndsAt: durationS === undefined ? creds.expiresAt : now + durationS * 1000,
  });
  state.remember(token);
  return reply.code(200).header('content-type', 'application/json').send(JSON.stringify({ SigninToken: token }));
}

function login(state: EmulatorState, q: URLSearchParams, reply: FastifyReply): FastifyReply {
  state.count('Login');
  const t = state.signinTokens.get(q.get('SigninToken') ?? '');
  const now = state.now();
  if (!t || t.expiresAt <= now) return refuse(reply, 'Invalid SigninToken parameter');
  const creds = state.credentials.get(t.accessKeyId);
  if (!creds || creds.expiresAt <= now) return refuse(reply, 'Invalid SigninToken parameter');
  const destination = q.get('Destination') ?? '';
  let target: URL;
  try {
    target = new URL(destination);
  } catch {
    return refuse(reply, 'Invalid Destination parameter');
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return refuse(reply, 'Invalid Destination parameter');
  return reply.code(302).header('location', target.toString()).header('cache-control', 'no-store').send();
}

export function registerFederationRoutes(app: FastifyInstance, state: EmulatorState): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const q = params(req);
    const action = q.get('Action');
    if (action === 'getSigninToken') return getSigninToken(state, q, reply);
    if (action === 'login') return login(state, q, reply);
    return refuse(reply, 'Invalid Action parameter');
  };
  app.get('/federation', handler);
  app.post('/federation', handler);

  // Control route: marks issued credentials as role-chained, as AssumeRole called with temporary
  // credentials issues them, so the federation rules for chained sessions can be exercised alone.
  app.post('/_emulator/chain', async (req, reply) => {
    const body = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
    const creds = typeof body.accessKeyId === 'string' ? state.credentials.get(body.accessKeyId) : undefined;
    if (!creds) return reply.code(404).send({ message: 'accessKeyId names no credentials this emulator issued' });
    creds.chained = true;
    return reply.code(200).send({ chained: creds.accessKeyId });
  });
}
