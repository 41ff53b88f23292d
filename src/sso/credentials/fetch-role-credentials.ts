import type { SSOClient } from '@aws-sdk/client-sso';
import type { RoleCredentials, SessionConfig } from '../../core/types.js';
import type { CredentialKey } from '../../store/credential-cache.js';
import { mapPortalError } from '../aws-errors.js';
import type { Clock } from '../clock.js';
import { checkRoleCredentials } from './check-role-credentials.js';
import { getRoleCredentials } from './get-role-credentials.js';

export interface FetchRoleCredentialsDeps {
  clock: Clock;
  config: (session: string) => SessionConfig;
  portal: (session: string) => SSOClient;
  /** The token keeper's: runs `fn` with a token that serves, refreshing it first when due. */
  withFreshToken: <T>(session: string, fn: (accessToken: string) => Promise<T>) => Promise<T>;
}

/**
 * What the credential cache calls on a miss: one GetRoleCredentials with a fresh SSO token, the
 * answer checked, AWS's errors turned into the agent's.
 */
export function roleCredentialsFetcher(deps: FetchRoleCredentialsDeps): (key: CredentialKey) => Promise<RoleCredentials> {
  return async (key) => {
    try {
      const out = await deps.withFreshToken(key.session, (accessToken) => getRoleCredentials(deps.portal(key.session), accessToken, key));
      // The portal never gives the IAM role's ARN suffix; see CatalogRole.roleArn.
      return checkRoleCredentials(out, key, null, deps.clock.now());
    } catch (err) {
      throw mapPortalError(err, deps.config(key.session), `getting credentials for ${key.accountId}:${key.roleName}`);
    }
  };
}
