import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { loadOidcSdk } from '../clients.js';
import { UpstreamError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { LoginFlow, SessionConfig } from '../../core/types.js';
import type { Clock } from '../clock.js';
import { awsErrorName, mapLoginError } from '../aws-errors.js';

/** A client registration is reused while it has more than this left (the AWS CLI's margin). */
export const REGISTRATION_MARGIN_MS = 15 * 60_000;
/** The port-less loopback redirect registered for PKCE; the port is added at /authorize time. */
export const PKCE_REGISTERED_REDIRECT = 'http://127.0.0.1/oauth/callback';
/** Without clientSecretExpiresAt, assume the service's usual 90 days. */
const DEFAULT_REGISTRATION_MS = 90 * 24 * 3600_000;

export interface Registration {
  flow: LoginFlow;
  clientId: string;
  clientSecret: string;
  /** Epoch ms. */
  expiresAt: number;
  scopes: string[];
}

export interface RegistrationsOptions {
  clock: Clock;
  logger: Logger;
  oidc: (session: string) => SSOOIDCClient;
  config: (session: string) => SessionConfig;
}

/** Each session's OIDC clients (one per flow), registered once and reused until they nearly expire. */
export class Registrations {
  private readonly bySession = new Map<string, Partial<Record<LoginFlow, Registration>>>();

  constructor(private readonly opts: RegistrationsOptions) {}

  async get(session: string, flow: LoginFlow): Promise<Registration> {
    const config = this.opts.config(session);
    const existing = this.bySession.get(session)?.[flow];
    const now = this.opts.clock.now();
    if (existing && existing.expiresAt - now > REGISTRATION_MARGIN_MS && existing.scopes.join(' ') === config.scopes.join(' ')) return existing;
    try {
      const out = await this.opts.oidc(session).send(new (loadOidcSdk()).RegisterClientCommand({
        clientName: `sso-agent-${config.name}`,
        clientType: 'public',
        scopes: config.scopes,
        ...(flow === 'pkce'
          ? { grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [PKCE_REGISTERED_REDIRECT], issuerUrl: config.startUrl }
          : {}),
      }));
      if (!out.clientId || !out.clientSecret) throw new UpstreamError('RegisterClient returned no client id; try again shortly');
      const reg: Registration = {
        flow,
        clientId: out.clientId,
        clientSecret: out.clientSecret,
        // clientSecretExpiresAt is epoch seconds.
        expiresAt: out.clientSecretExpiresAt ? out.clientSecretExpiresAt * 1000 : now + DEFAULT_REGISTRATION_MS,
        scopes: [...config.scopes],
      };
      this.bySession.set(session, { ...this.bySession.get(session), [flow]: reg });
      this.opts.logger.info({ session, flow }, 'registered OIDC client');
      return reg;
    } catch (err) {
      throw mapLoginError(err, config);
    }
  }

  /** Runs an OIDC call with the registration; registers again once if the service no longer knows the client. */
  async with<T>(session: string, flow: LoginFlow, fn: (reg: Registration) => Promise<T>): Promise<{ out: T; reg: Registration }> {
    const reg = await this.get(session, flow);
    try {
      return { out: await fn(reg), reg };
    } catch (err) {
      if (awsErrorName(err) !== 'InvalidClientException') throw err;
      this.forget(session, reg);
      const again = await this.get(session, flow);
      return { out: await fn(again), reg: again };
    }
  }

  /** A registration kept from an earlier run (the keychain), reused like one made in this run. */
  adopt(session: string, reg: Registration): void {
    this.bySession.set(session, { ...this.bySession.get(session), [reg.flow]: reg });
  }

  /** The service rejected this client (InvalidClientException): the next login registers anew. */
  forget(session: string, reg: Registration): void {
    const mine = this.bySession.get(session);
    if (mine?.[reg.flow] === reg) delete mine[reg.flow];
  }

  /** The session's start URL, region or scopes changed. */
  forgetSession(session: string): void {
    this.bySession.delete(session);
  }
}
