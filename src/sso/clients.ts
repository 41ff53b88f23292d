import { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { SSOClient } from '@aws-sdk/client-sso';
import { STSClient } from '@aws-sdk/client-sts';
import type { SessionConfig } from '../store/types.js';

/**
 * Creates the AWS clients for one session. Injected into the core so tests can point it at the
 * emulator or wrap it. Both APIs are unsigned, so no AWS credentials are involved.
 */
export interface AwsClientFactory {
  oidc(session: SessionConfig): SSOOIDCClient;
  /**
   * `purpose: 'sync'` gets a client without SDK retries: sync does its own backoff and pacing
   * across many calls, and stacking two retry loops would multiply the attempts.
   */
  portal(session: SessionConfig, purpose?: 'default' | 'sync'): SSOClient;
  /** STS (AssumeRole for chained profiles), signed with the source role's credentials. */
  sts(region: string, credentials: StsSigningCredentials): STSClient;
}

/** The source role's keys an STS client signs with. */
export interface StsSigningCredentials { accessKeyId: string; secretAccessKey: string; sessionToken: string }

export interface ClientFactoryOptions {
  env?: NodeJS.ProcessEnv;
  /** SDK attempts for calls the agent does not retry itself (login, GetRoleCredentials, Logout). */
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

export function oidcEndpoint(session: SessionConfig, env: NodeJS.ProcessEnv): string | undefined {
  return session.oidcEndpoint || env.AWS_ENDPOINT_URL_SSO_OIDC || env.AWS_ENDPOINT_URL || undefined;
}

export function portalEndpoint(session: SessionConfig, env: NodeJS.ProcessEnv): string | undefined {
  return session.portalEndpoint || env.AWS_ENDPOINT_URL_SSO || env.AWS_ENDPOINT_URL || undefined;
}

/** AWS_ENDPOINT_URL_STS, the SDKs' own name (the emulator, or a private endpoint). */
export function stsEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined;
}

/** Where the browser goes for PKCE: the OIDC endpoint's origin, so an override moves it too. */
export function authorizeBase(session: SessionConfig, env: NodeJS.ProcessEnv): string {
  const endpoint = oidcEndpoint(session, env) ?? `https://oidc.${session.region}.amazonaws.com`;
  return endpoint.replace(/\/+$/, '');
}

export function createClientFactory(opts: ClientFactoryOptions = {}): AwsClientFactory {
  const env = opts.env ?? process.env;
  const requestHandler = { requestTimeout: opts.requestTimeoutMs ?? 10_000, connectionTimeout: 5_000 };
  const maxAttempts = opts.maxAttempts ?? 3;
  return {
    oidc(session) {
      const endpoint = oidcEndpoint(session, env);
      return new SSOOIDCClient({
        region: session.region, maxAttempts, retryMode: 'standard', requestHandler,
        ...(endpoint ? { endpoint } : {}),
      });
    },
    portal(session, purpose = 'default') {
      const endpoint = portalEndpoint(session, env);
      return new SSOClient({
        region: session.region, maxAttempts: purpose === 'sync' ? 1 : maxAttempts, retryMode: 'standard', requestHandler,
        ...(endpoint ? { endpoint } : {}),
      });
    },
    sts(region, credentials) {
      const endpoint = stsEndpoint(env);
      return new STSClient({
        region, maxAttempts, retryMode: 'standard', requestHandler,
        // Only the keys: an `expiration` in epoch ms (the agent's own shape) would confuse the SDK.
        credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
        ...(endpoint ? { endpoint } : {}),
      });
    },
  };
}
