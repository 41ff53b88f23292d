import type { CreateTokenCommandOutput, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { loadOidcSdk } from '../clients.js';
import { UpstreamError } from '../../errors.js';
import type { Registration } from './registration.js';

/** The three CreateToken shapes the agent sends, each one call; callers decide retries and mapping. */

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** When CreateToken gives no expiresIn: an hour, the usual refreshable access token. */
const DEFAULT_EXPIRES_IN_S = 3600;

export interface TokenAnswer {
  accessToken: string;
  expiresInS: number;
  refreshToken?: string;
}

export function checkTokenAnswer(out: CreateTokenCommandOutput): TokenAnswer {
  if (!out.accessToken) throw new UpstreamError('CreateToken returned no access token; try again shortly');
  return {
    accessToken: out.accessToken,
    expiresInS: out.expiresIn ?? DEFAULT_EXPIRES_IN_S,
    ...(out.refreshToken ? { refreshToken: out.refreshToken } : {}),
  };
}

export async function createTokenWithDeviceCode(oidc: SSOOIDCClient, reg: Registration, deviceCode: string): Promise<TokenAnswer> {
  return checkTokenAnswer(await oidc.send(new (loadOidcSdk()).CreateTokenCommand({
    clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT, deviceCode,
  })));
}

export async function createTokenWithCode(
  oidc: SSOOIDCClient, reg: Registration, code: { code: string; redirectUri: string; codeVerifier: string },
): Promise<TokenAnswer> {
  return checkTokenAnswer(await oidc.send(new (loadOidcSdk()).CreateTokenCommand({
    clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'authorization_code', ...code,
  })));
}

export async function createTokenWithRefreshToken(oidc: SSOOIDCClient, reg: Registration, refreshToken: string): Promise<TokenAnswer> {
  return checkTokenAnswer(await oidc.send(new (loadOidcSdk()).CreateTokenCommand({
    clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'refresh_token', refreshToken,
  })));
}
