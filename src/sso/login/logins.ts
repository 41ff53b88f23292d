import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { AgentError, LoginFailedError, InvalidStateError, reloginHint } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { LoginFlow, LoginPrompt, OAuthCallbackQuery, SessionConfig, SyncSummary } from '../../core/types.js';
import { awsErrorName } from '../aws-errors.js';
import type { Clock, Random } from '../clock.js';
import type { TokenAnswer } from './create-token.js';
import { beginDevice } from './device-flow.js';
import { PendingLogin } from './pending-login.js';
import { beginPkce, exchangeCallback, type PkceAttempt } from './pkce-flow.js';
import type { Registration, Registrations } from './registration.js';

export interface LoginsOptions {
  clock: Clock;
  random: Random;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  /** 'http://127.0.0.1:PORT/oauth/callback', known once the TCP app listens. */
  redirectUri: () => string;
  oidc: (session: string) => SSOOIDCClient;
  config: (session: string) => SessionConfig;
  registrations: Registrations;
  /** The login got its token: hand it to the token keeper. */
  onToken: (session: string, answer: TokenAnswer, reg: Registration) => void;
  /** After the token: the first sync, whose summary ends the login. */
  onLoggedIn: (session: string) => Promise<SyncSummary>;
}

/**
 * Logins in progress, one per session: starts the flow asked for, finishes it from a device poll
 * or the OAuth callback, and cancels it (a logout, a login of the other flow, every waiter gone).
 */
export class Logins {
  private readonly pending = new Map<string, PendingLogin>();
  private readonly pkce = new Map<PendingLogin, PkceAttempt>();
  /** OAuth `state` → session. */
  private readonly states = new Map<string, string>();
  private readonly lastErrors = new Map<string, unknown>();
  private closed = false;

  constructor(private readonly opts: LoginsOptions) {}

  isPending(session: string): boolean {
    return this.pending.has(session);
  }

  /** The failure of the session's last login, until a token arrives or a new login starts. */
  lastError(session: string): unknown {
    return this.lastErrors.get(session);
  }

  clearError(session: string): void {
    this.lastErrors.delete(session);
  }

  async start(config: SessionConfig, flow: LoginFlow): Promise<LoginPrompt> {
    const session = config.name;
    const running = this.pending.get(session);
    if (running?.flow === flow) return { ...(await running.prompt), joined: true };
    if (running) {
      // The person asked for the other flow: the old login (and its browser URL) is dropped, not joined.
      this.fail(running, new LoginFailedError(`the ${running.flow === 'pkce' ? 'browser' : 'device-code'} login for SSO session ${session} was replaced by a new ${flow === 'pkce' ? 'browser' : 'device-code'} login`));
    }
    // Nothing below may await before the login is registered: a concurrent request must find it and join.
    const login = new PendingLogin(session, flow);
    this.pending.set(session, login);
    this.lastErrors.delete(session);
    login.prompt = flow === 'device' ? this.startDevice(config, login) : this.startPkce(config, login);
    try {
      const prompt = await login.prompt;
      this.opts.logger.info({ session, flow }, 'login started');
      return prompt;
    } catch (err) {
      this.fail(login, err);
      throw err;
    }
  }

  /** Waits for the session's pending login, or returns undefined when none is pending. */
  wait(session: string, signal?: AbortSignal): Promise<SyncSummary> | undefined {
    const login = this.pending.get(session);
    if (!login) return undefined;
    return login.wait(signal, () => {
      this.opts.logger.info({ session, flow: login.flow }, 'login abandoned by its command; cancelling it');
      this.fail(login, new LoginFailedError(`the login for SSO session ${session} was cancelled; ${reloginHint(session)} to try again`), false);
    });
  }

  /** Cancels the session's pending login (logout, agent shutdown), rejecting its waiters with `err`. */
  cancel(session: string, err: LoginFailedError): void {
    const login = this.pending.get(session);
    if (login) this.fail(login, err, false);
  }

  async completeCallback(query: OAuthCallbackQuery): Promise<{ session: string }> {
    const session = query.state ? this.states.get(query.state) : undefined;
    const login = session ? this.pending.get(session) : undefined;
    const attempt = login ? this.pkce.get(login) : undefined;
    if (!session || !login || !attempt || attempt.state !== query.state) {
      throw new InvalidStateError('this sign-in link is unknown or was already used: start again with `sso-agent login`');
    }
    this.states.delete(attempt.state);
    let answer: TokenAnswer;
    try {
      answer = await exchangeCallback(this.opts.oidc(session), this.opts.registrations, this.opts.config(session), attempt, query);
    } catch (err) {
      this.fail(login, err);
      throw err;
    }
    if (login.cancelled) throw new LoginFailedError(`the login for SSO session ${session} was cancelled; ${reloginHint(session)} to try again`);
    this.opts.onToken(session, answer, attempt.registration);
    // The browser gets its page now; the sync that completes the login runs on.
    void this.finish(login);
    return { session };
  }

  close(): void {
    this.closed = true;
    for (const login of [...this.pending.values()]) {
      this.fail(login, new LoginFailedError(`the agent stopped during the login for SSO session ${login.session}; ${reloginHint(login.session)} once it runs again`), false);
    }
  }

  private startDevice(config: SessionConfig, login: PendingLogin): Promise<LoginPrompt> {
    return beginDevice({
      clock: this.opts.clock, config, oidc: this.opts.oidc(config.name), registrations: this.opts.registrations,
      approved: async (answer, reg) => { this.opts.onToken(config.name, answer, reg); await this.finish(login); },
      failed: (err) => this.fail(login, err),
      stopped: () => this.closed,
    }, login);
  }

  private async startPkce(config: SessionConfig, login: PendingLogin): Promise<LoginPrompt> {
    const { prompt, attempt } = await beginPkce({
      clock: this.opts.clock, random: this.opts.random, env: this.opts.env, config, registrations: this.opts.registrations,
      redirectUri: this.opts.redirectUri(), timedOut: (err) => this.fail(login, err),
    });
    if (login.cancelled) { this.opts.clock.clearTimeout(attempt.timer); return prompt; }
    this.pkce.set(login, attempt);
    this.states.set(attempt.state, config.name);
    return prompt;
  }

  private async finish(login: PendingLogin): Promise<void> {
    this.forget(login);
    this.lastErrors.delete(login.session);
    this.opts.logger.info({ session: login.session, flow: login.flow }, 'logged in');
    try {
      login.resolve(await this.opts.onLoggedIn(login.session));
    } catch (err) {
      login.reject(err);
    }
  }

  /** Ends a login with `err`; `remember` keeps the error for a later `waitLogin` (not for cancellations). */
  private fail(login: PendingLogin, err: unknown, remember = true): void {
    if (login.cancelled) return;
    const wasCurrent = this.pending.get(login.session) === login;
    this.forget(login);
    if (wasCurrent && remember) this.lastErrors.set(login.session, err);
    this.opts.logger.warn({ session: login.session, flow: login.flow, err: err instanceof AgentError ? err.code : awsErrorName(err) }, 'login failed');
    login.reject(err);
  }

  private forget(login: PendingLogin): void {
    const attempt = this.pkce.get(login);
    if (attempt) {
      this.opts.clock.clearTimeout(attempt.timer);
      this.states.delete(attempt.state);
      this.pkce.delete(login);
    }
    if (this.pending.get(login.session) === login) this.pending.delete(login.session);
  }
}
