import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentCore } from '../store/types.js';
import { refusal } from './request-guard.js';
import { containerCredentialsReply } from './to-container-credentials.js';
import type { HeldTokens } from './held-tokens.js';
import { GrantStore } from '../store/grants.js';
import { tokenRefusal } from './check-grant.js';
import { listenerOf } from './listener-identity.js';

export const CREDENTIALS_PREFIX = '/v1/credentials/';

/**
 * Characters that need no decoding in a path segment (RFC 3986 unreserved, and `:` of the
 * `ACCOUNT:ROLE` form): such a reference reads the same before and after the router's decoding.
 */
const PLAIN_REF = /^[A-Za-z0-9._~:-]+$/;

export interface WarmCredentialsOptions {
  core: AgentCore;
  tokens: HeldTokens;
  /** Container and ssh grants (default: none). */
  grants?: GrantStore;
  port: () => number;
  /** True once the app is closing: then Fastify answers (503, `Connection: close`). */
  closing: () => boolean;
  /** Longest route parameter the app's router accepts. */
  maxRefLength: number;
}

/**
 * The one answer SDKs ask for thousands of times a day, without the framework: a guarded, token-
 * checked GET of a role whose credentials are in memory, answered synchronously from node:http.
 * It answers only the case it can answer completely and returns false for everything else —
 * refusals, unknown or encoded names, wrong tokens, cold or failing roles, a closing app — which
 * then goes to the Fastify app, the one place errors are made. So this path cannot answer
 * differently from the app; it can only answer sooner.
 */
export function warmCredentialsResponder(opts: WarmCredentialsOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { core, tokens, port, closing, maxRefLength } = opts;
  const grants = opts.grants ?? new GrantStore();
  return (req, res) => {
    const url = req.url;
    if (url === undefined || !url.startsWith(CREDENTIALS_PREFIX) || closing()) return false;
    const ref = url.slice(CREDENTIALS_PREFIX.length);
    if (ref.length > maxRefLength || !PLAIN_REF.test(ref)) return false;
    const listener = listenerOf(req);
    if (refusal(req, port(), false, listener) !== undefined) return false;
    const presented = req.headers.authorization;
    if (presented === undefined || presented === '') return false;
    let role;
    try {
      role = core.resolveProfile(ref);
    } catch {
      return false;
    }
    if (tokenRefusal(listener, presented, role, tokens, grants) !== undefined) return false;
    const creds = core.servableCredentials(role);
    if (creds === undefined) return false;
    const reply = containerCredentialsReply(creds);
    res.writeHead(200, reply.headers).end(reply.body);
    return true;
  };
}
