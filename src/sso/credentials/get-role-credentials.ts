import { GetRoleCredentialsCommand, type GetRoleCredentialsCommandOutput, type SSOClient } from '@aws-sdk/client-sso';
import type { CredentialKey } from '../../store/credential-cache.js';

/** The one GetRoleCredentials call; the answer is checked by checkRoleCredentials. */
export function getRoleCredentials(portal: SSOClient, accessToken: string, key: CredentialKey): Promise<GetRoleCredentialsCommandOutput> {
  return portal.send(new GetRoleCredentialsCommand({ accessToken, accountId: key.accountId, roleName: key.roleName }));
}
