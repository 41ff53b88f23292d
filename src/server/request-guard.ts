import type { IncomingHttpHeaders } from 'node:http';
import type { AgentCore, CatalogRole } from '../core/types.js';
import {
  type AgentError, BadRequestError, ForbiddenRequestError, MethodNotAllowedError, MissingAuthorizationError,
  UriTooLongError, isAgentError,
} from '../errors.js';
import { TCP_LIMITS } from './tcp-limits.js';
import { browserHeader, hostHeaderCount } from './check-host.js';
import type { Listener } from './listener.js';

/** What the guard reads of a request: node's IncomingMessage and Fastify's request both have it. */
export interface GuardedRequest {
  method?: string | undefined;
  url?: string | undefined;
  headers: IncomingHttpHeaders;
  rawHeaders: readonly string[];
}

/**
 * Why the listener refuses this request before any route looks at it, or undefined when it may
 * go on: the app's onRequest hook asks for every request. Returns rather than throws: the fast
 * path asks on every request, and refusals are rare.
 */
export function refusal(req: GuardedRequest, listener: Listener, isOAuthCallback: boolean): AgentError | undefined {
  if (hostHeaderCount(req.rawHeaders) > 1) {
    return new BadRequestError('the request carries more than one Host header (RFC 9112 requires a single one)');
  }
  if (!listener.hostOk(req.headers.host, isOAuthCallback)) {
    return new ForbiddenRequestError(listener.identity.kind === 'container'
      ? 'the Host header must be the container address with the agent\'s port (DNS-rebinding guard)'
      : 'the Host header must be 127.0.0.1 or localhost with the agent\'s port (DNS-rebinding guard)');
  }
  if (req.headers.origin !== undefined) {
    return new ForbiddenRequestError('requests from web pages (with an Origin header) are refused: credentials are for local SDKs only');
  }
  // The OAuth redirect is the one request a browser is meant to make (and it sends fetch metadata).
  const fromBrowser = isOAuthCallback ? undefined : browserHeader(req.headers);
  if (fromBrowser !== undefined) {
    return new ForbiddenRequestError(`requests carrying ${fromBrowser} (sent by web browsers) are refused: credentials are for local SDKs only`);
  }
  if (req.method !== 'GET') {
    return new MethodNotAllowedError(`${req.method} is not allowed: this port answers GET only`);
  }
  if ((req.url ?? '').length > TCP_LIMITS.maxUrlLength) {
    return new UriTooLongError(`the URL is longer than ${TCP_LIMITS.maxUrlLength} characters`);
  }
  return undefined;
}

/**
 * The one decision on a credential request: the request's guard (above), the token, and the
 * profile it names — the role to serve, or the error to answer. Both doors to the credentials call
 * it, the app's route and the warm fast path (warm-credentials.ts, which leaves every error to the
 * app), so a check added here or to the listener applies to both.
 */
export function authorizeCredentialRequest(
  req: GuardedRequest, ref: string, listener: Listener, core: Pick<AgentCore, 'resolveProfile'>,
): CatalogRole | AgentError {
  const refused = refusal(req, listener, false);
  if (refused !== undefined) return refused;
  const presented = req.headers.authorization;
  if (presented === undefined || presented === '') return new MissingAuthorizationError(ref, listener.identity.kind === 'loopback' ? 'host' : 'grant');
  let role: CatalogRole;
  try {
    role = core.resolveProfile(ref);
  } catch (err) {
    if (isAgentError(err) && err.code === 'ProfileNotFound') return listener.nameRefusal(ref, presented) ?? err;
    throw err;
  }
  return listener.refusal(role, presented) ?? role;
}
