/**
 * Once per window: a session's notice of one kind is shown at most once per NOTICE_WINDOW_MS,
 * however many requests or events ask for it, so 50 tools failing at once make one notification.
 * Pure (the caller passes the time); synchronous, so concurrent callers cannot both pass.
 */

/** A person who dismissed a notice and keeps using the tools is reminded at most hourly. */
export const NOTICE_WINDOW_MS = 60 * 60_000;

export class NoticeLedger {
  private readonly last = new Map<string, { kind: string; at: number }>();

  constructor(private readonly windowMs = NOTICE_WINDOW_MS) {}

  /** True (and remembered) when `kind` was not shown for `session` within the window. */
  take(session: string, kind: string, now: number): boolean {
    const prev = this.last.get(session);
    if (prev && prev.kind === kind && now - prev.at < this.windowMs) return false;
    this.last.set(session, { kind, at: now });
    return true;
  }

  /** Forgets the session's last notice (only if it was of `kind`, when given): its next trouble is news. */
  clear(session: string, kind?: string): void {
    if (kind === undefined || this.last.get(session)?.kind === kind) this.last.delete(session);
  }
}
