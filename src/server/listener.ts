import { AccessDeniedError, type AgentError } from '../errors.js';
import type { GrantStore } from '../store/grants.js';
import { checkGrant } from './check-grant.js';
import { checkHost } from './check-host.js';
import { HeldRouteTokens } from './held-route-tokens.js';
import { LOOPBACK, listenerHostOk, listenerOf, type ListenerIdentity } from './listener-identity.js';
import { verifyRouteToken } from './route-token.js';
import type { IncomingMessage } from 'node:http';

/**
 * What the request guard needs to know of the listener a request came in on: the Host it must
 * carry, and which Authorization values open which profile there. Each listener (the loopback
 * port; a container address; one ssh session's forward) is one of these, so its own rules are
 * written once and both doors to the credentials (the fast path and the app's route) apply them.
 */
export interface Listener {
  readonly identity: ListenerIdentity;
  /** The DNS-rebinding guard: does this Host name this listener? The OAuth redirect may name the callback port. */
  hostOk(host: string | undefined, isOAuthCallback: boolean): boolean;
  /** Why `presented` does not open `role` here, or undefined when it does. Constant time. */
  refusal(role: { readonly profile: string }, presented: string): AgentError | undefined;
  /**
   * The same for a name that resolves to no profile: only a caller whose token would open a
   * profile of this name learns that it is gone; anyone else gets the refusal of an existing
   * profile, so names cannot be probed.
   */
  nameRefusal(profile: string, presented: string): AgentError | undefined;
}

/** The loopback listener: each profile's route token, derived from the agent key (route-token.ts). */
export function loopbackListener(port: () => number, agentKey: Buffer, callbackPort?: number): Listener {
  const held = new HeldRouteTokens(agentKey);
  return {
    identity: LOOPBACK,
    hostOk: (host, isOAuthCallback) => checkHost(host, port())
      || (isOAuthCallback && callbackPort !== undefined && checkHost(host, callbackPort)),
    refusal: (role, presented) => (held.matches(role, presented) ? undefined : new AccessDeniedError(role.profile)),
    nameRefusal: (profile, presented) => (verifyRouteToken(agentKey, profile, presented) ? undefined : new AccessDeniedError(profile)),
  };
}

/** A container or ssh listener: only grants of its kind (check-grant.ts), for the profiles they name. */
export function grantListener(identity: ListenerIdentity, port: () => number, grants: GrantStore): Listener {
  const refusal = (role: { readonly profile: string }, presented: string): AgentError | undefined =>
    checkGrant(identity, presented, role.profile, grants);
  return {
    identity,
    hostOk: (host) => listenerHostOk(identity, host, port()),
    refusal,
    nameRefusal: (profile, presented) => refusal({ profile }, presented),
  };
}

/**
 * The listener of each request: the loopback one unless an extra listener tagged the request
 * (listener-server.ts). One Listener per identity, made at its first request.
 */
export function listenerResolver(loopback: Listener, port: () => number, grants: GrantStore): (req: IncomingMessage) => Listener {
  const made = new WeakMap<ListenerIdentity, Listener>();
  return (req) => {
    const identity = listenerOf(req);
    if (identity.kind === 'loopback') return loopback;
    let listener = made.get(identity);
    if (listener === undefined) {
      listener = grantListener(identity, port, grants);
      made.set(identity, listener);
    }
    return listener;
  };
}
