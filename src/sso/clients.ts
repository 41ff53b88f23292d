import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { SSOClient } from '@aws-sdk/client-sso';
import type { SessionConfig } from '../store/types.js';

type OidcSdk = typeof import('@aws-sdk/client-sso-oidc');
type PortalSdk = typeof import('@aws-sdk/client-sso');
// Process-wide like the module cache they mirror: once loaded, a call gets the module without
// going back through the asynchronous loader (which takes several turns of the event loop).
let oidcSdk: OidcSdk | undefined;
let portalSdk: PortalSdk | undefined;

/**
 * The SDK packages, loaded when the first call needs them (a login, a portal call), not when the
 * agent starts: together they are most of its start time and a good part of its memory.
 */
export function loadOidcSdk(): OidcSdk | Promise<OidcSdk> {
  return oidcSdk ?? import('@aws-sdk/client-sso-oidc').then((m) => (oidcSdk = m));
}

export function loadPortalSdk(): PortalSdk | Promise<PortalSdk> {
  return portalSdk ?? import('@aws-sdk/client-sso').then((m) => (portalSdk = m));
}

interface SdkClient { send(command: never): Promise<unknown>; destroy(): void }

/**
 * Stands in for an SDK client and makes the real one on the first send. Typed as the client it
 * stands for: callers use only send() and destroy(), which it forwards.
 */
function lazyClient<C extends SdkClient>(make: () => Promise<C>): C {
  let real: Promise<C> | undefined;
  const stand: SdkClient = {
    send: (command) => (real ??= make()).then((c) => c.send(command)),
    destroy: () => { void real?.then((c) => c.destroy()); },
  };
  return stand as unknown as C;
}

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
}

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

/** Where the browser goes for PKCE: the OIDC endpoint's origin, so an override moves it too. */
export function authorizeBase(session: SessionConfig, env: NodeJS.ProcessEnv): string {
  const endpoint = oidcEndpoint(session, env) ?? `https://oidc.${session.region}.amazonaws.com`;
  return endpoint.replace(/\/+$/, '');
}

/**
 * Clients are shared by every session with the same region and endpoint: the calls carry the
 * session's token as a parameter and none is signed, so nothing in a client belongs to one session,
 * and one client (one middleware stack, one connection pool) serves them all.
 */
export function createClientFactory(opts: ClientFactoryOptions = {}): AwsClientFactory {
  const env = opts.env ?? process.env;
  const requestHandler = { requestTimeout: opts.requestTimeoutMs ?? 10_000, connectionTimeout: 5_000 };
  const maxAttempts = opts.maxAttempts ?? 3;
  const shared = new Map<string, SdkClient>();
  const once = <C extends SdkClient>(key: string, make: () => Promise<C>): C => {
    let c = shared.get(key);
    if (!c) {
      c = lazyClient(make);
      shared.set(key, c);
    }
    return c as C;
  };
  return {
    oidc(session) {
      const endpoint = oidcEndpoint(session, env);
      return once(`oidc ${session.region} ${endpoint ?? ''}`, async () => new (await loadOidcSdk()).SSOOIDCClient({
        region: session.region, maxAttempts, retryMode: 'standard', requestHandler,
        ...(endpoint ? { endpoint } : {}),
      }));
    },
    portal(session, purpose = 'default') {
      const endpoint = portalEndpoint(session, env);
      return once(`portal ${purpose} ${session.region} ${endpoint ?? ''}`, async () => new (await loadPortalSdk()).SSOClient({
        region: session.region, maxAttempts: purpose === 'sync' ? 1 : maxAttempts, retryMode: 'standard', requestHandler,
        ...(endpoint ? { endpoint } : {}),
      }));
    },
  };
}
