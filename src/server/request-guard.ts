import type { IncomingHttpHeaders } from 'node:http';
import {
  type AgentError, BadRequestError, ForbiddenRequestError, MethodNotAllowedError, UriTooLongError,
} from '../errors.js';
import { browserHeader, hostHeaderCount } from './check-host.js';
import { LOOPBACK, type ListenerIdentity, listenerHostOk } from './listener-identity.js';

/** What the guard reads of a request: node's IncomingMessage and Fastify's request both have it. */
export interface GuardedRequest {
  method?: string | undefined;
  url?: string | undefined;
  headers: IncomingHttpHeaders;
  rawHeaders: readonly string[];
}

/** Longest URL the TCP port accepts: an encoded role ARN fits many times over; megabyte URLs are an attack. */
export const MAX_URL_LENGTH = 2048;

/**
 * Why the TCP port refuses this request before any route looks at it, or undefined when it may
 * go on. The same checks for the Fastify app (its onRequest hook) and the warm-credentials fast
 * path, so a request refused by one is refused by the other. Returns rather than throws: the fast
 * path asks on every request, and refusals are rare.
 */
export function refusal(req: GuardedRequest, port: number, isOAuthCallback: boolean, listener: ListenerIdentity = LOOPBACK): AgentError | undefined {
  if (hostHeaderCount(req.rawHeaders) > 1) {
    return new BadRequestError('the request carries more than one Host header (RFC 9112 requires a single one)');
  }
  if (!listenerHostOk(listener, req.headers.host, port)) {
    return new ForbiddenRequestError(listener.kind === 'container'
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
  if ((req.url ?? '').length > MAX_URL_LENGTH) {
    return new UriTooLongError(`the URL is longer than ${MAX_URL_LENGTH} characters`);
  }
  return undefined;
}
