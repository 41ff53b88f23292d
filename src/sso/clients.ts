import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { SSOClient } from '@aws-sdk/client-sso';
import type { STSClient } from '@aws-sdk/client-sts';
import type { SessionConfig } from '../core/types.js';
import { proxyRoute, type ProxyRoute } from './proxy.js';
import { requireCjs } from '../require-cjs.js';

type OidcSdk = typeof import('@aws-sdk/client-sso-oidc');
type PortalSdk = typeof import('@aws-sdk/client-sso');
type StsSdk = typeof import('@aws-sdk/client-sts');
let oidcSdk: OidcSdk | undefined;
let portalSdk: PortalSdk | undefined;
let stsSdk: StsSdk | undefined;

/*
 * The SDK packages, loaded when the first call needs them (a login, a portal call), not when the
 * agent starts: together they are most of its start time and a good part of its memory. Loaded
 * with require(), not import(): an ES import of a CommonJS package has Node lex its whole source
 * for named exports, which costs an idle agent resident memory it never gives back (bench/NOTES.md).
 */
export function loadOidcSdk(): OidcSdk {
  return (oidcSdk ??= requireCjs('@aws-sdk/client-sso-oidc') as OidcSdk);
}

export function loadPortalSdk(): PortalSdk {
  return (portalSdk ??= requireCjs('@aws-sdk/client-sso') as PortalSdk);
}

/** STS, for chained profiles only: most agents never load it. */
export function loadStsSdk(): StsSdk {
  return (stsSdk ??= requireCjs('@aws-sdk/client-sts') as StsSdk);
}

interface SdkClient { send(command: never): Promise<unknown>; destroy(): void }

const REAL = Symbol('real client');

/**
 * Stands in for an SDK client and makes the real one on the first send. Typed as the client it
 * stands for: callers use only send() and destroy(), which it forwards.
 */
function lazyClient<C extends SdkClient>(make: () => Promise<C>): C {
  let real: Promise<C> | undefined;
  const stand: SdkClient & { [REAL]: () => Promise<C> } = {
    send: (command) => (real ??= make()).then((c) => c.send(command)),
    destroy: () => { void real?.then((c) => c.destroy()); },
    [REAL]: () => (real ??= make()),
  };
  return stand as unknown as C;
}


/** The SDK client behind a factory-made stand-in (made now if need be): its resolved config, for tests. */
export function realClient<C>(client: C): Promise<C> {
  const get = (client as { [REAL]?: () => Promise<C> })[REAL];
  return get ? get() : Promise.resolve(client);
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

/** Where an error came from, for messages: attached to every error a factory-made client throws. */
export function routeOf(err: unknown): Pick<ProxyRoute, 'host' | 'proxy'> | undefined {
  return typeof err === 'object' && err !== null ? (err as { $route?: ProxyRoute }).$route : undefined;
}

interface MiddlewareHost {
  middlewareStack: { add(mw: (next: (a: unknown) => Promise<unknown>) => (a: unknown) => Promise<unknown>, o: { step: 'initialize'; name: string }): void };
}

/** Tags errors with the host and proxy (outermost step: after the SDK's retries gave up). */
function tagRoute<C>(client: C, route: ProxyRoute): C {
  const tag = { host: route.host, ...(route.proxy ? { proxy: route.proxy } : {}) };
  (client as unknown as MiddlewareHost).middlewareStack.add((next) => async (args) => {
    try {
      return await next(args);
    } catch (err) {
      if (typeof err === 'object' && err !== null && !('$route' in err)) Object.defineProperty(err, '$route', { value: tag });
      throw err;
    }
  }, { step: 'initialize', name: 'ssoAgentRouteTag' });
  return client;
}

/**
 * Every client is a stand-in that loads its SDK package and makes the real client on its first
 * call (most of the agent's start time and much of its memory is the SDK), and every client goes
 * through the proxy the environment names for its endpoint, as the AWS CLI would.
 */
export function createClientFactory(opts: ClientFactoryOptions = {}): AwsClientFactory {
  const env = opts.env ?? process.env;
  const maxAttempts = opts.maxAttempts ?? 3;
  const connect = (endpoint: string) => {
    const route = proxyRoute(endpoint, env);
    const requestHandler = {
      requestTimeout: opts.requestTimeoutMs ?? 10_000, connectionTimeout: 5_000,
      ...(route.httpAgent ? { httpAgent: route.httpAgent } : {}),
      ...(route.httpsAgent ? { httpsAgent: route.httpsAgent } : {}),
    };
    return { route, requestHandler };
  };
  return {
    oidc(session) {
      const endpoint = oidcEndpoint(session, env);
      const { route, requestHandler } = connect(endpoint ?? `https://oidc.${session.region}.amazonaws.com`);
      return lazyClient(async () => tagRoute(new (loadOidcSdk()).SSOOIDCClient({
        region: session.region, maxAttempts, retryMode: 'standard', requestHandler,
        ...(endpoint ? { endpoint } : {}),
      }), route));
    },
    portal(session, purpose = 'default') {
      const endpoint = portalEndpoint(session, env);
      const { route, requestHandler } = connect(endpoint ?? `https://portal.sso.${session.region}.amazonaws.com`);
      return lazyClient(async () => tagRoute(new (loadPortalSdk()).SSOClient({
        region: session.region, maxAttempts: purpose === 'sync' ? 1 : maxAttempts, retryMode: 'standard', requestHandler,
        ...(endpoint ? { endpoint } : {}),
      }), route));
    },
    sts(region, credentials) {
      const endpoint = stsEndpoint(env);
      const { route, requestHandler } = connect(endpoint ?? `https://sts.${region}.amazonaws.com`);
      return lazyClient(async () => tagRoute(new (loadStsSdk()).STSClient({
        region, maxAttempts, retryMode: 'standard', requestHandler,
        // Only the keys: an `expiration` in epoch ms (the agent's own shape) would confuse the SDK.
        credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
        ...(endpoint ? { endpoint } : {}),
      }), route));
    },
  };
}
