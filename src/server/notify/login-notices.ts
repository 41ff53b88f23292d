import type { Logger } from '../../logger.js';
import type { AgentCore, LoginNeededReason, SessionStatus } from '../../core/types.js';
import { endingSoonNotice, loginNeededNotice, type NeedReason } from './notice-text.js';
import { NoticeLedger } from './notice-ledger.js';
import type { Notifier } from './desktop-notifier.js';

/** Warn this long before a known end: the same 15 minutes in which `status` says "expiring". */
export const ENDING_SOON_MS = 15 * 60_000;
/** How often the daemon checks known ends (scan()); a minute late on a 15-minute warning is fine. */
export const SCAN_EVERY_MS = 60_000;

const LOGIN_NEEDED = 'login-needed';

export interface LoginNoticesOptions {
  core: Pick<AgentCore, 'listSessions' | 'startLogin'>;
  notifier: Notifier;
  logger: Logger;
  now?: () => number;
  /** Opens the login page after a click on the notice; without it the notice is not clickable. */
  openUrl?: (url: string) => void;
}

/**
 * Tells the desktop when a session needs a login, or will soon where the end is known. Fed by the
 * core's session events and by a scan of the known ends; each notice once per window (ledger).
 */
export class LoginNotices {
  private readonly ledger = new NoticeLedger();
  private readonly now: () => number;

  constructor(private readonly opts: LoginNoticesOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** IAM Identity Center refused the refresh or the token. */
  loginNeeded(session: string, reason: LoginNeededReason, facts: { registrationExpired: boolean }): void {
    this.needs(session, reason === 'refresh-rejected' && facts.registrationExpired ? 'registration-expired' : reason);
  }

  /** A tool asked for credentials of a session that needs a login. */
  requestNeedsLogin(session: string): void {
    const s = this.session(session);
    if (!s) return;
    this.needs(session, s.loginNeeded ?? 'not-logged-in');
  }

  /**
   * The session's state may have changed: one that serves again after needing a login has a clean
   * slate (a routine token refresh does not repeat a warning about the same end: its kind names the end).
   */
  changed(session: string): void {
    const s = this.session(session);
    if (s && (s.state === 'active' || s.state === 'refreshing')) this.ledger.clear(session, LOGIN_NEEDED);
    if (s) this.check(s);
  }

  /** Every session: ends that are near, and sessions whose token ran out with nothing to renew it. */
  scan(): void {
    for (const s of this.opts.core.listSessions()) this.check(s);
  }

  private check(s: SessionStatus): void {
    if (s.state === 'login-needed' && s.loginNeeded === 'expired') { this.needs(s.name, 'expired'); return; }
    const end = s.signIn;
    if (!end || s.state === 'login-needed') return;
    const left = Date.parse(end.endsAt) - this.now();
    if (left <= 0 || left > ENDING_SOON_MS) return;
    if (!this.ledger.take(s.name, `ending:${end.endsAt}`, this.now())) return;
    this.show(s.name, endingSoonNotice(s.name, end, this.now(), this.clickable), 'ending soon');
  }

  private needs(session: string, reason: NeedReason): void {
    if (reason === 'logged-out') return;
    if (!this.ledger.take(session, LOGIN_NEEDED, this.now())) return;
    this.show(session, loginNeededNotice(session, reason, this.clickable), reason);
  }

  private get clickable(): boolean {
    return this.opts.notifier.clickable && this.opts.openUrl !== undefined;
  }

  private show(session: string, notice: { title: string; body: string }, why: string): void {
    this.opts.logger.info({ session, why }, 'desktop notice');
    this.opts.notifier.show(notice, this.clickable ? () => this.loginFromClick(session) : undefined);
  }

  /** The person clicked: start the browser login (a running one is joined, so many clicks make one login). */
  private loginFromClick(session: string): void {
    this.opts.logger.info({ session }, 'login started from the desktop notice');
    this.opts.core.startLogin({ session, flow: 'pkce' }).then(
      (prompt) => this.opts.openUrl?.(prompt.url),
      (err: unknown) => this.opts.logger.warn({ session, err: (err as Error).message }, 'the login from the desktop notice failed to start'),
    );
  }

  private session(name: string): SessionStatus | undefined {
    return this.opts.core.listSessions().find((s) => s.name === name);
  }
}
