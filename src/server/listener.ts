import { HeldRouteTokens } from './held-route-tokens.js';
import { verifyRouteToken } from './route-token.js';

/**
 * What the request guard needs to know of the listener a request came in on: the port its Host
 * must name, and which Authorization values open which profile there. Each listener (the loopback
 * port; any other address a user grants) is one of these, so its own token rule is written once
 * and both doors to the credentials (the fast path and the app's route) apply it.
 */
export interface Listener {
  /** The port Host must name (a function: `--port 0` is known only after listen). */
  port(): number;
  /** Does `presented` open `role` here? Constant time. */
  authorizes(role: { readonly profile: string }, presented: string): boolean;
  /**
   * Would `presented` open a profile of this name? Only such a caller learns that the profile is
   * gone; anyone else gets the 403 of an existing profile, so names cannot be probed.
   */
  authorizesName(profile: string, presented: string): boolean;
}

/** The loopback listener: each profile's route token, derived from the agent key (route-token.ts). */
export function loopbackListener(port: () => number, agentKey: Buffer): Listener {
  const held = new HeldRouteTokens(agentKey);
  return {
    port,
    authorizes: (role, presented) => held.matches(role, presented),
    authorizesName: (profile, presented) => verifyRouteToken(agentKey, profile, presented),
  };
}
