import type { GetRoleCredentialsCommandOutput, SSOClient } from '@aws-sdk/client-sso';
import { loadPortalSdk } from '../clients.js';
import type { CredentialKey } from '../../store/credential-cache.js';

/** The one GetRoleCredentials call; the answer is checked by checkRoleCredentials. */
export async function getRoleCredentials(portal: SSOClient, accessToken: string, key: CredentialKey): Promise<GetRoleCredentialsCommandOutput> {
  return portal.send(new (loadPortalSdk()).GetRoleCredentialsCommand({ accessToken, accountId: key.accountId, roleName: key.roleName }));
}
