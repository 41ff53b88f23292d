/**
 * A small in-memory AgentCore for route and CLI tests (not a test file itself: it has no
 * assertions, tap just runs it and finds nothing). It behaves like the contract says the real
 * core does: unknown refs throw ProfileNotFoundError, a logged-out session LoginRequiredError.
 */
import { LoginRequiredError, InvalidStateError, ProfileNotFoundError, SessionNotFoundError } from '../../src/errors.js';
import { roleRefOfArn } from '../../src/store/role-arn.js';
import type {
  AgentCore, CatalogRole, LoginPrompt, LoginRequest, OAuthCallbackQuery, RoleCredentials, SessionStatus, SyncSummary,
} from '../../src/core/types.js';

export interface FakeCore extends AgentCore {
  calls: { getCredentials: string[]; logout: string[]; startLogin: LoginRequest[]; sync: (string | undefined)[]; callback: OAuthCallbackQuery[]; reload: number; removeSession: string[] };
  sessions: SessionStatus[];
  roles: CatalogRole[];
  /** What servableCredentials hands out, by profile (empty: every request awaits getCredentials). */
  warm: Map<string, RoleCredentials>;
  /** Make the next getCredentials throw this. */
  failNext?: Error;
  /** The signal each waitLogin got (aborted when its admin connection closed early). */
  waitSignals: Array<AbortSignal | undefined>;
  /** Make logout report a failed portal Logout. */
  logoutFails?: boolean;
  /** Resolve a pending waitLogin. */
  approve(session: string): void;
}

export function role(session: string, accountId: string, accountName: string, roleName: string): CatalogRole {
  return {
    session, accountId, accountName, roleName,
    roleArn: null,
    profile: `${accountName}-${roleName}`.toLowerCase(),
    stale: false,
  };
}

export function fakeCore(now: () => number = Date.now): FakeCore {
  const sessions: SessionStatus[] = [
    { name: 'work', startUrl: 'https://d-1234567890.awsapps.com/start', region: 'us-east-1', state: 'active', tokenExpiresAt: new Date(now() + 3600_000).toISOString(), refreshable: true, lastSync: new Date(now()).toISOString(), accounts: 2, roles: 3, staleAccounts: 0 },
    { name: 'play', startUrl: 'https://d-0987654321.awsapps.com/start', region: 'eu-west-1', state: 'login-needed', loginNeeded: 'refresh-rejected', refreshable: false, accounts: 1, roles: 1, staleAccounts: 0 },
  ];
  const roles: CatalogRole[] = [
    role('work', '111111111111', 'prod', 'Admin'),
    role('work', '111111111111', 'prod', 'ReadOnly'),
    role('work', '222222222222', 'dev', 'Admin'),
    role('play', '333333333333', 'sandbox', 'Admin'),
  ];
  const waiters = new Map<string, (s: SyncSummary) => void>();
  const approved = new Map<string, SyncSummary>();
  let n = 0;
  const core: FakeCore = {
    calls: { getCredentials: [], logout: [], startLogin: [], sync: [], callback: [], reload: 0, removeSession: [] },
    sessions, roles, waitSignals: [], warm: new Map(),
    listSessions: () => sessions,
    listProfiles: () => roles,
    resolveProfile(ref) {
      const arn = roleRefOfArn(ref);
      const r = roles.find((x) => x.profile === ref || `${x.accountId}:${x.roleName}` === ref
        || (arn !== undefined && arn.accountId === x.accountId && arn.roleName === x.roleName));
      if (!r) throw new ProfileNotFoundError(ref);
      return r;
    },
    async getCredentials(ref) {
      const r = typeof ref === 'string' ? core.resolveProfile(ref) : ref;
      core.calls.getCredentials.push(r.profile);
      if (core.failNext) { const e = core.failNext; core.failNext = undefined; throw e; }
      const s = sessions.find((x) => x.name === r.session);
      if (!s || s.state === 'login-needed') throw new LoginRequiredError(r.session);
      n += 1;
      const creds: RoleCredentials = {
        accessKeyId: `ASIAFAKE${String(n).padStart(8, '0')}`,
        secretAccessKey: `secret-${r.profile}-${n}`,
        sessionToken: `session-token-${r.profile}-${n}`,
        expiration: now() + 3600_000,
        accountId: r.accountId,
        roleArn: r.roleArn,
      };
      return creds;
    },
    servableCredentials: (r) => core.warm.get(r.profile),
    alreadyLoggedIn(req) {
      const s = sessions.find((x) => x.name === (req.session ?? 'work'));
      if (req.force || s?.state !== 'active' || !s.tokenExpiresAt) return undefined;
      return { session: s.name, alreadyActive: true, tokenExpiresAt: s.tokenExpiresAt };
    },
    async startLogin(req) {
      core.calls.startLogin.push(req);
      const name = req.session ?? 'work';
      if (!sessions.some((s) => s.name === name)) {
        if (!req.startUrl || !req.region) throw new SessionNotFoundError(name);
        sessions.push({ name, startUrl: req.startUrl, region: req.region, state: 'login-pending', refreshable: false, accounts: 0, roles: 0, staleAccounts: 0 });
      }
      const prompt: LoginPrompt = {
        session: name, flow: req.flow,
        url: req.flow === 'device' ? 'https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH' : 'https://oidc.us-east-1.amazonaws.com/authorize?state=xyz',
        expiresAt: new Date(now() + 600_000).toISOString(), joined: false,
      };
      if (req.flow === 'device') prompt.userCode = 'ABCD-EFGH';
      return prompt;
    },
    waitLogin(session, signal) {
      core.waitSignals.push(signal);
      const done = approved.get(session);
      if (done) {
        approved.delete(session);
        return Promise.resolve(done);
      }
      return new Promise<SyncSummary>((resolve) => waiters.set(session, resolve));
    },
    approve(session) {
      const summary: SyncSummary = { session, accounts: 2, roles: 3, added: 3, removed: 0, failedAccounts: 0, durationMs: 12 };
      const w = waiters.get(session);
      // An approval that arrives before anyone waits is kept, as the real core keeps a finished login.
      if (w) w(summary);
      else approved.set(session, summary);
      waiters.delete(session);
    },
    async completeOAuthCallback(q) {
      core.calls.callback.push(q);
      if (q.state !== 'good-state') throw new InvalidStateError('this login link is unknown or already used: start again with `sso-agent login`');
      core.approve('work');
      return { session: 'work' };
    },
    async logout(session) {
      if (!sessions.some((s) => s.name === session)) throw new SessionNotFoundError(session);
      core.calls.logout.push(session);
      return { session, portal: core.logoutFails ? 'failed' : 'signed-out' };
    },
    async sync(session) {
      core.calls.sync.push(session);
      const names = session ? [session] : sessions.map((s) => s.name);
      return names.map((name) => ({ session: name, accounts: 2, roles: 3, added: 0, removed: 0, failedAccounts: 0, durationMs: 5 }));
    },
    async reload() { core.calls.reload += 1; },
    async removeSession(session) {
      const i = sessions.findIndex((s) => s.name === session);
      if (i < 0) throw new SessionNotFoundError(session);
      core.calls.removeSession.push(session);
      sessions.splice(i, 1);
      const before = roles.length;
      for (let j = roles.length - 1; j >= 0; j--) if (roles[j]!.session === session) roles.splice(j, 1);
      return { session, removedProfiles: before - roles.length };
    },
    async close() {},
  };
  return core;
}
