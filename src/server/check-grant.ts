import { type AgentError, GrantRequiredError, ProfileNotGrantedError } from '../errors.js';
import type { GrantStore } from '../store/grants.js';
import type { ListenerIdentity } from './listener-identity.js';

/**
 * The token check of a grant listener (container or ssh), apart from any I/O: the presented token
 * must be a live grant of the listener's kind (for an ssh listener, its own grant), and the grant
 * must name the profile. Host tokens are not grants, so they are refused here; grant tokens are
 * not host tokens, so the loopback listener refuses them. Returns the refusal, or undefined (and
 * marks the grant used) when the request may have the credentials.
 */
export function checkGrant(listener: ListenerIdentity, presented: string, profile: string, grants: GrantStore): AgentError | undefined {
  if (listener.kind === 'loopback') return new GrantRequiredError('the loopback listener takes host tokens only');
  const grant = grants.find(presented);
  if (grant === undefined || grant.kind !== listener.kind || (listener.kind === 'remote' && grant.id !== listener.grantId)) {
    return new GrantRequiredError(listener.kind === 'container'
      ? 'this address answers container grants only: create one with `sso-agent env PROFILE --container`'
      : 'this forward answers its own ssh session\'s grant only');
  }
  if (!grant.profiles.has(profile)) return new ProfileNotGrantedError(profile, grant.id);
  grants.touch(grant);
  return undefined;
}
