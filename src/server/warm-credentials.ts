import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentCore } from '../core/types.js';
import { isAgentError } from '../errors.js';
import type { Listener } from './listener.js';
import { authorizeCredentialRequest } from './request-guard.js';
import { containerCredentialsReply } from './to-container-credentials.js';

export const CREDENTIALS_PREFIX = '/v1/credentials/';

/**
 * Characters that need no decoding in a path segment (RFC 3986 unreserved, and `:` of the
 * `ACCOUNT:ROLE` form): such a reference reads the same before and after the router's decoding.
 */
const PLAIN_REF = /^[A-Za-z0-9._~:-]+$/;

export interface WarmCredentialsOptions {
  core: AgentCore;
  /** The listener of each request (listener.ts): its Host rule and token rule. */
  listenerOf: (req: IncomingMessage) => Listener;
  /** True once the app is closing: then Fastify answers (503, `Connection: close`). */
  closing: () => boolean;
  /** Longest route parameter the app's router accepts. */
  maxRefLength: number;
}

/**
 * The answer SDKs ask for most, without the framework: an authorized GET of a role whose
 * credentials are in memory, answered synchronously from node:http. The decision is the app
 * route's own (authorizeCredentialRequest); this path answers only when that decision is a role
 * and the credentials are at hand, and returns false for everything else — refusals, encoded
 * names, cold or failing roles, a closing app — which then goes to the Fastify app, the one place
 * errors are answered. So it cannot answer differently from the app; it can only answer sooner.
 */
export function warmCredentialsResponder(opts: WarmCredentialsOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { core, listenerOf, closing, maxRefLength } = opts;
  return (req, res) => {
    const url = req.url;
    if (url === undefined || !url.startsWith(CREDENTIALS_PREFIX) || closing()) return false;
    const ref = url.slice(CREDENTIALS_PREFIX.length);
    if (ref.length > maxRefLength || !PLAIN_REF.test(ref)) return false;
    const listener = listenerOf(req);
    let role;
    try {
      role = authorizeCredentialRequest(req, ref, listener, core);
    } catch {
      return false;
    }
    if (isAgentError(role)) return false;
    const creds = core.servableCredentials(role);
    if (creds === undefined) return false;
    const reply = containerCredentialsReply(creds);
    res.writeHead(200, reply.headers).end(reply.body);
    return true;
  };
}
