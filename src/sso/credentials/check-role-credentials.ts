import type { GetRoleCredentialsCommandOutput } from '@aws-sdk/client-sso';
import { UpstreamError } from '../../errors.js';
import type { CredentialKey } from '../../store/credential-cache.js';
import type { RoleCredentials } from '../../core/types.js';

/**
 * Is this GetRoleCredentials answer usable: all three secrets, and an expiration (epoch ms) in the
 * future of `now`. Anything else is upstream trouble, not credentials to hand out.
 */
export function checkRoleCredentials(out: GetRoleCredentialsCommandOutput, key: CredentialKey, roleArn: string | null, now: number): RoleCredentials {
  const c = out.roleCredentials;
  if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || typeof c.expiration !== 'number' || c.expiration <= now) {
    throw new UpstreamError(`GetRoleCredentials for ${key.accountId}:${key.roleName} returned no usable credentials; try again shortly`);
  }
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration: c.expiration,
    accountId: key.accountId,
    roleArn,
  };
}
