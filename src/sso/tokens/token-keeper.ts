import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { SSOClient } from '@aws-sdk/client-sso';
import { loadPortalSdk } from '../clients.js';
import { LoginRequiredError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { LoginNeededReason, LogoutResult, SessionConfig, SignInEnd } from '../../core/types.js';
import { SingleFlight } from '../../store/single-flight.js';
import type { Clock, Random, TimerHandle } from '../clock.js';
import { awsErrorName, isRefreshRejected, isTokenRejected, mapLoginError } from '../aws-errors.js';
import { nextDelay, type RetryPolicy } from '../retry-policy.js';
import { createTokenWithRefreshToken, type TokenAnswer } from '../login/create-token.js';
import type { Registration } from '../login/registration.js';
import { sessionState, tokenRefreshAt, type StateView } from './session-state.js';
import { signInEnd } from './sign-in-end.js';

/** A refresh that failed for a transient reason is retried no sooner than this. */
export const REFRESH_RETRY_MIN_MS = 30_000;

/** The words after "SSO session NAME" in the error that asks for a login, per reason. */
const WHY: Record<LoginNeededReason, string> = {
  expired: 'has expired',
  'refresh-rejected': 'needs a new login (IAM Identity Center rejected the refresh)',
  'token-rejected': 'has an expired or revoked token',
  'logged-out': 'is logged out',
};

export interface Token {
  accessToken: string;
  issuedAt: number;
  expiresAt: number;
  refreshToken?: string;
  /** A refresh token belongs to the client that got it. */
  registration: Registration;
  /** When the person logged in (a refresh keeps it); unknown for a token restored from the keychain. */
  signedInAt?: number;
}

interface Slot {
  token?: Token;
  lost?: LoginNeededReason;
  timer?: TimerHandle;
  /** Transient refresh failures in a row. */
  failures: number;
}

export interface TokenKeeperOptions {
  clock: Clock;
  random: Random;
  policy: RetryPolicy;
  logger: Logger;
  oidc: (session: string) => SSOOIDCClient;
  portal: (session: string) => SSOClient;
  config: (session: string) => SessionConfig;
  /** A token was set (login, refresh, restore): the vault keeps it (`--persist keychain`). */
  onSet?: (session: string, token: Token) => void;
  /** The token is gone for good (rejected, logged out): the vault forgets it; `registrationExpired` tells why a refresh failed. */
  onLost?: (session: string, reason: LoginNeededReason, facts: { registrationExpired: boolean }) => void;
}

/**
 * The one owner of each session's SSO token: it sets it, schedules and retries its refresh, and
 * drops it. Everything else asks `withFreshToken` and never touches its timers. A refresh never
 * lists the organisation: sync has its own schedule.
 */
export class TokenKeeper {
  private readonly slots = new Map<string, Slot>();
  /** One refresh at a time per session; a second caller joins the first. */
  private readonly refreshes = new SingleFlight<void>();
  private closed = false;

  constructor(private readonly opts: TokenKeeperOptions) {}

  private slot(session: string): Slot {
    let s = this.slots.get(session);
    if (!s) { s = { failures: 0 }; this.slots.set(session, s); }
    return s;
  }

  /** A login or refresh answered: hold the token and schedule its refresh. A refresh passes the token it renews. */
  set(session: string, answer: TokenAnswer, registration: Registration, refreshOf?: Token): void {
    const s = this.slot(session);
    const now = this.opts.clock.now();
    const previous = s.token;
    // A refresh answer without a refresh token keeps the old one: the SDKs drop it and then can
    // never refresh again. (Only from the same client: a refresh token belongs to its client.)
    const refreshToken = answer.refreshToken ?? (previous?.registration === registration ? previous.refreshToken : undefined);
    s.token = {
      accessToken: answer.accessToken, issuedAt: now, expiresAt: now + answer.expiresInS * 1000,
      ...(refreshToken ? { refreshToken } : {}), registration,
      // A refresh keeps the sign-in's start (unknown for one restored from the keychain); a login is now.
      ...(refreshOf ? (refreshOf.signedInAt !== undefined ? { signedInAt: refreshOf.signedInAt } : {}) : { signedInAt: now }),
    };
    s.lost = undefined;
    s.failures = 0;
    this.schedule(session, s);
    this.opts.onSet?.(session, s.token);
  }

  /**
   * A token kept from an earlier run (the keychain): held as if just set, and refreshed now when its
   * refresh time has passed. Fails only when no usable token is left.
   */
  async adopt(session: string, token: Token): Promise<void> {
    const s = this.slot(session);
    s.token = token;
    s.lost = undefined;
    s.failures = 0;
    if (this.opts.clock.now() < tokenRefreshAt(token.issuedAt, token.expiresAt)) {
      this.schedule(session, s);
      return;
    }
    await this.refresh(session).catch((err: unknown) => {
      const left = s.token;
      if (!left || left.expiresAt <= this.opts.clock.now()) throw err;
    });
  }

  state(session: string, loginPending: boolean): StateView {
    const s = this.slots.get(session);
    const token = s?.token;
    return sessionState({
      loginPending,
      ...(token ? { token: { expiresAt: token.expiresAt, refreshable: Boolean(token.refreshToken) } } : {}),
      refreshing: this.refreshes.has(session) || (s?.failures ?? 0) > 0,
      ...(s?.lost ? { lost: s.lost } : {}),
    }, this.opts.clock.now());
  }

  /** When the held sign-in ends, as far as AWS says (sign-in-end.ts); undefined without a token. */
  signIn(session: string): SignInEnd | undefined {
    const token = this.slots.get(session)?.token;
    if (!token) return undefined;
    return signInEnd({
      ...(token.signedInAt !== undefined ? { signedInAt: token.signedInAt } : {}),
      tokenExpiresAt: token.expiresAt, refreshable: Boolean(token.refreshToken), registrationExpiresAt: token.registration.expiresAt,
    });
  }

  expiresAt(session: string): number | undefined {
    return this.slots.get(session)?.token?.expiresAt;
  }

  refreshable(session: string): boolean {
    return Boolean(this.slots.get(session)?.token?.refreshToken);
  }

  /** True while portal calls can be made without a person: a live access token or a refresh token. */
  canServe(session: string): boolean {
    const token = this.slots.get(session)?.token;
    return Boolean(token && (token.refreshToken || token.expiresAt > this.opts.clock.now()));
  }

  /** The error that says why the session cannot call the portal now. */
  loginRequired(session: string): LoginRequiredError {
    const s = this.slots.get(session);
    if (s?.token) return new LoginRequiredError(session, WHY.expired);
    return new LoginRequiredError(session, s?.lost ? WHY[s.lost] : undefined);
  }

  /**
   * Runs a portal call with a usable access token: an expired one is refreshed first, and a token
   * the portal rejects (revoked, or expired early) gets one refresh and one retry before the session
   * is marked login-needed. Errors other than a rejected token come back from `fn` as they are.
   */
  async withFreshToken<T>(session: string, fn: (accessToken: string) => Promise<T>): Promise<T> {
    const token = await this.current(session);
    try {
      return await fn(token.accessToken);
    } catch (err) {
      if (!isTokenRejected(err)) throw err;
      const s = this.slot(session);
      if (s.token === token) {
        if (!token.refreshToken) throw this.lose(session, 'token-rejected');
        await this.refresh(session);
      }
      // Refreshed (here or by a concurrent caller): one retry with the new token.
      const again = await this.current(session);
      try {
        return await fn(again.accessToken);
      } catch (err2) {
        if (isTokenRejected(err2) && s.token === again) throw this.lose(session, 'token-rejected');
        throw err2;
      }
    }
  }

  /** Calls the portal's Logout, then drops the token whatever it answered. */
  async logout(session: string): Promise<LogoutResult['portal']> {
    const token = this.slots.get(session)?.token;
    let portal: LogoutResult['portal'] = 'not-needed';
    try {
      if (token && token.expiresAt > this.opts.clock.now()) {
        await this.opts.portal(session).send(new (loadPortalSdk()).LogoutCommand({ accessToken: token.accessToken }));
        portal = 'signed-out';
      }
    } catch (err) {
      // The server-side session then ends at its own expiry; the caller says so.
      portal = 'failed';
      this.opts.logger.warn({ session, err: awsErrorName(err) }, 'portal logout failed; forgetting the token anyway');
    }
    this.lose(session, 'logged-out');
    return portal;
  }

  /** The session can no longer call the portal: a person must log in. Returns the error that says so. */
  lose(session: string, reason: LoginNeededReason, facts?: { registrationExpired: boolean }): LoginRequiredError {
    const s = this.slot(session);
    const registrationExpired = facts?.registrationExpired === true || (s.token !== undefined && s.token.registration.expiresAt <= this.opts.clock.now());
    s.token = undefined;
    s.lost = reason;
    this.opts.onLost?.(session, reason, { registrationExpired });
    s.failures = 0;
    this.opts.clock.clearTimeout(s.timer);
    s.timer = undefined;
    return new LoginRequiredError(session, WHY[reason]);
  }

  close(): void {
    this.closed = true;
    for (const s of this.slots.values()) { this.opts.clock.clearTimeout(s.timer); s.timer = undefined; }
  }

  /** The token a portal call may use now (refreshing an expired one first), or the LoginRequiredError. */
  private async current(session: string): Promise<Token> {
    const s = this.slot(session);
    if (s.token?.refreshToken && s.token.expiresAt <= this.opts.clock.now()) {
      // A laptop that slept through the refresh timer, or refreshes that failed for a while.
      await this.refresh(session);
    }
    const token = s.token;
    if (token && token.expiresAt > this.opts.clock.now()) return token;
    throw this.loginRequired(session);
  }

  private schedule(session: string, s: Slot): void {
    this.opts.clock.clearTimeout(s.timer);
    s.timer = undefined;
    const token = s.token;
    // Without a refresh token nothing is scheduled: the state turns expiring, then login-needed, by the clock.
    if (!token?.refreshToken || this.closed) return;
    const at = tokenRefreshAt(token.issuedAt, token.expiresAt);
    s.timer = this.opts.clock.setTimeout(() => {
      s.timer = undefined;
      this.refresh(session).catch(() => { /* logged by doRefresh */ });
    }, Math.max(0, at - this.opts.clock.now()), 'token-refresh');
  }

  /** One refresh at a time per session; rejection → login-needed, transient failure → a later retry. */
  private refresh(session: string): Promise<void> {
    return this.refreshes.run(session, () => this.doRefresh(session));
  }

  private async doRefresh(session: string): Promise<void> {
    const s = this.slot(session);
    const token = s.token;
    if (!token?.refreshToken) return;
    const { clock, logger } = this.opts;
    let answer: TokenAnswer;
    try {
      answer = await createTokenWithRefreshToken(this.opts.oidc(session), token.registration, token.refreshToken);
    } catch (err) {
      if (s.token !== token) return;
      if (isRefreshRejected(err)) {
        logger.warn({ session, err: awsErrorName(err) }, 'token refresh rejected; login needed');
        // InvalidClientException: the OIDC client registration the refresh token belongs to is gone.
        throw this.lose(session, 'refresh-rejected', { registrationExpired: awsErrorName(err) === 'InvalidClientException' });
      }
      s.failures++;
      const delay = nextDelay(s.failures, err, this.opts.random, this.opts.policy);
      const retryAt = clock.now() + Math.max(REFRESH_RETRY_MIN_MS, delay ?? 0);
      if (delay !== undefined && retryAt < token.expiresAt && !this.closed) {
        logger.warn({ session, err: awsErrorName(err), attempt: s.failures }, 'token refresh failed; will retry');
        clock.clearTimeout(s.timer);
        s.timer = clock.setTimeout(() => {
          s.timer = undefined;
          this.refresh(session).catch(() => {});
        }, retryAt - clock.now(), 'token-refresh');
      } else {
        logger.warn({ session, err: awsErrorName(err) }, 'token refresh failed; the next request tries again');
      }
      throw mapLoginError(err, this.opts.config(session));
    }
    if (s.token !== token) return;
    this.set(session, answer, token.registration, token);
    logger.info({ session, rotated: Boolean(answer.refreshToken), expiresAt: new Date(s.token.expiresAt).toISOString() }, 'token refreshed');
  }
}
