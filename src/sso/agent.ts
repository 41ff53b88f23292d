import { AmbiguousProfileError, InvalidInputError, LoginFailedError, LoginRequiredError, ProfileNotFoundError, reloginHint } from '../errors.js';
import { nearName } from '../edit-distance.js';
import type { Logger } from '../logger.js';
import type { Catalog } from '../store/catalog.js';
import type { CredentialCache } from '../store/credential-cache.js';
import type {
  AgentCore, AlreadyLoggedIn, CatalogRole, ConfigProblems, LoginNeededReason, LoginPrompt, LoginRequest, LogoutResult, OAuthCallbackQuery, RoleCredentials,
  SessionRemoved, SessionStatus, SyncSummary,
} from '../core/types.js';
import type { Clock } from './clock.js';
import type { PersistentCatalog } from './catalog-persistence.js';
import type { ChainedRoles } from './chained/chained-roles.js';
import { alreadyLoggedIn, findLoginSession } from './login-gate.js';
import type { Logins } from './login/logins.js';
import type { Registrations } from './login/registration.js';
import { restoreSessions } from './persist/restore-sessions.js';
import type { SessionVault } from './persist/session-vault.js';
import type { SessionRegistry } from './session-registry.js';
import { sessionStatus } from './session-status.js';
import type { SyncScheduler } from './sync/sync-scheduler.js';
import type { TokenKeeper } from './tokens/token-keeper.js';

/** The owners the facade answers from; the composition root (src/daemon.ts) makes and wires them. */
export interface CoreParts {
  logger: Logger;
  clock: Clock;
  registry: SessionRegistry;
  persisted: PersistentCatalog;
  chained: ChainedRoles;
  vault: SessionVault;
  /** Sessions whose token came from the vault at start, not from a login in this run. */
  restored: Set<string>;
  registrations: Registrations;
  tokens: TokenKeeper;
  logins: Logins;
  syncs: SyncScheduler;
  cache: CredentialCache;
  /** What the daemon's desktop notices and prompt state files follow (src/server/notify/). */
  events?: SessionEvents;
  /** The core made its clock (not a test's): close() stops the clock's suspend check. */
  ownsClock?: boolean;
}

/** Session events, for what the person sees outside a terminal. Each is optional and must not throw. */
export interface SessionEvents {
  /** A token was set or dropped, or a login started: the session's state may have changed. */
  changed?(session: string): void;
  /** A person must log in now: IAM Identity Center refused the refresh or the token. */
  loginNeeded?(session: string, reason: LoginNeededReason, facts: { registrationExpired: boolean }): void;
  /** A credential request failed because the session needs a login. */
  requestNeedsLogin?(session: string): void;
}

/**
 * The facade the servers use (the AgentCore contract). It owns nothing: sessions (registry),
 * logins, tokens, sync and credentials each have one owner, which the composition root wires
 * together through callbacks; this class answers each request by asking the owners.
 */
export class SsoAgentCore implements AgentCore {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly registry: SessionRegistry;
  private readonly catalog: Catalog;
  private readonly persisted: PersistentCatalog;
  private readonly chained: ChainedRoles;
  private readonly vault: SessionVault;
  private readonly restored: Set<string>;
  private readonly registrations: Registrations;
  private readonly tokens: TokenKeeper;
  private readonly logins: Logins;
  private readonly syncs: SyncScheduler;
  private readonly cache: CredentialCache;
  private closed = false;
  private readonly events: SessionEvents;
  private readonly ownsClock: boolean;

  constructor(parts: CoreParts) {
    this.log = parts.logger;
    this.clock = parts.clock;
    this.registry = parts.registry;
    this.persisted = parts.persisted;
    this.catalog = parts.persisted.catalog;
    this.chained = parts.chained;
    this.vault = parts.vault;
    this.restored = parts.restored;
    this.registrations = parts.registrations;
    this.tokens = parts.tokens;
    this.logins = parts.logins;
    this.syncs = parts.syncs;
    this.cache = parts.cache;
    this.events = parts.events ?? {};
    this.ownsClock = parts.ownsClock ?? false;
  }

  /** Sessions from the AWS config and the settings, last run's catalog (once), chained profiles. */
  async load(): Promise<void> {
    await this.registry.load();
    await this.persisted.restoreOnce((s) => this.registry.has(s));
    await this.chained.reload();
  }

  reload(): Promise<void> {
    return this.load();
  }

  /** Sessions kept in the vault come back as after a login: token (refreshed if due), then a sync. */
  async restore(): Promise<void> {
    await restoreSessions({
      vault: this.vault, logger: this.log, clock: this.clock,
      sessions: this.registry.names().map((name) => this.registry.config(name)),
      adopt: async (name, { registration, token }) => {
        this.registrations.adopt(name, registration);
        this.restored.add(name);
        await this.tokens.adopt(name, { ...token, registration });
        await this.syncs.run(name);
      },
    });
  }

  listSessions(): SessionStatus[] {
    this.clock.recheck?.();
    return this.registry.names().map((name) => sessionStatus({
      config: this.registry.config(name),
      state: this.tokens.state(name, this.logins.isPending(name)),
      tokenExpiresAt: this.tokens.expiresAt(name),
      refreshable: this.tokens.refreshable(name),
      restored: this.restored.has(name),
      sync: this.syncs.status(name),
      signIn: this.tokens.signIn(name),
    }, this.catalog));
  }

  configProblems(): ConfigProblems {
    return this.registry.problems();
  }

  listProfiles(): CatalogRole[] {
    const own = this.catalog.list();
    const taken = new Set(own.map((r) => r.profile));
    // A user profile whose name the agent gives another role is refused on use, not listed twice.
    return [...own, ...this.chained.list(), ...this.chained.userProfiles().filter((r) => !taken.has(r.profile))];
  }

  resolveProfile(ref: string): CatalogRole {
    const user = this.chained.userProfile(ref);
    const role = this.catalog.resolve(ref);
    if (user && role && !sameRole(user, role)) {
      throw new AmbiguousProfileError(`${ref} names two roles: your [profile ${ref}] (${user.accountId}:${user.roleName}, session ${user.session}) and the agent's ${role.profile} (${role.accountId}:${role.roleName}, session ${role.session}); rename [profile ${ref}] in your AWS config, or use ${user.aliasOf}`);
    }
    const found = role ?? user ?? this.chained.resolve(ref);
    if (!found) throw new ProfileNotFoundError(ref, nearName(ref, this.listProfiles().map((r) => r.profile)));
    return found;
  }

  /** A role the caller already resolved (the servers do, for their checks) is not looked up twice. */
  async getCredentials(ref: string | CatalogRole): Promise<RoleCredentials> {
    const role = typeof ref === 'string' ? this.resolveProfile(ref) : ref;
    // After a suspend, renewals that fell due run before this answer (see systemClock).
    this.clock.recheck?.();
    try {
      return await (role.chained ? this.chained.credentials(role) : this.cache.get(role));
    } catch (err) {
      if (err instanceof LoginRequiredError) this.events.requestNeedsLogin?.(err.session);
      throw err;
    }
  }

  servableCredentials(role: CatalogRole): RoleCredentials | undefined {
    this.clock.recheck?.();
    return role.chained ? this.chained.servable(role) : this.cache.servable(role);
  }

  alreadyLoggedIn(req: LoginRequest): AlreadyLoggedIn | undefined {
    const known = new Map(this.registry.names().map((name) => [name, { config: this.registry.config(name) }]));
    const found = findLoginSession(req, known);
    if (!found) return undefined;
    const name = found.config.name;
    const expiresAt = this.tokens.expiresAt(name);
    return alreadyLoggedIn(req, {
      session: name, state: this.tokens.state(name, this.logins.isPending(name)).state, pending: this.logins.isPending(name),
      scopes: found.config.scopes, ...(expiresAt !== undefined ? { tokenExpiresAt: expiresAt } : {}),
    });
  }

  async startLogin(req: LoginRequest): Promise<LoginPrompt> {
    if (req.flow !== 'pkce' && req.flow !== 'device') throw new InvalidInputError(`unknown login flow ${JSON.stringify(req.flow)}: use "pkce" or "device"`);
    let config = await this.registry.forLogin(req);
    if (req.scopes?.length && !this.logins.isPending(config.name)) {
      // The new scopes apply at once (setScopes swaps them before its first await); saving may finish later.
      this.registry.setScopes(config.name, req.scopes)
        .catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'could not save the agent settings'));
      config = this.registry.config(config.name);
    }
    try {
      const prompt = await this.logins.start(config, req.flow);
      this.events.changed?.(config.name);
      // AWS took the start URL and region: only now is a session this login added worth keeping.
      await this.registry.confirm(config.name);
      return prompt;
    } catch (err) {
      this.registry.discard(config.name);
      throw err;
    }
  }

  completeOAuthCallback(query: OAuthCallbackQuery): Promise<{ session: string }> {
    return this.logins.completeCallback(query);
  }

  async waitLogin(session: string, signal?: AbortSignal): Promise<SyncSummary> {
    this.registry.config(session);
    const pending = this.logins.wait(session, signal);
    if (pending) return pending;
    // The latest login failed, perhaps before its command came to wait for it (a refused browser
    // callback is quick): say so, even while an older token still serves (`login --force`).
    const failed = this.logins.lastError(session);
    if (failed) throw failed;
    // Logged in already: the sync under way (the login's own) is joined, else the last one answers.
    if (this.tokens.canServe(session)) return this.syncs.latest(session);
    throw this.tokens.loginRequired(session);
  }

  async logout(session: string): Promise<LogoutResult> {
    this.registry.config(session);
    this.logins.cancel(session, new LoginFailedError(`the login for SSO session ${session} was cancelled by a logout; ${reloginHint(session)} to log in again`));
    this.logins.clearError(session);
    const portal = await this.tokens.logout(session);
    this.syncs.stop(session);
    const dropped = this.cache.dropSession(session) + this.chained.dropSession(session);
    const itemGone = await this.vault.settle(session);
    this.log.info({ session, droppedCredentials: dropped, portal, ...(itemGone ? {} : { keychainItemMayRemain: true }) }, 'logged out');
    return { session, portal, ...(itemGone ? {} : { keychainItemMayRemain: true }) };
  }

  async removeSession(session: string): Promise<SessionRemoved> {
    await this.registry.checkRemovable(session);
    await this.logout(session);
    await this.registry.remove(session);
    const removedProfiles = this.catalog.dropSession(session);
    return { session, removedProfiles };
  }

  async sync(session?: string): Promise<SyncSummary[]> {
    this.clock.recheck?.();
    if (session) {
      await this.load();
      this.registry.config(session);
      return [await this.syncs.run(session)];
    }
    await this.load();
    const names = this.registry.names();
    const live = names.filter((name) => this.tokens.canServe(name));
    if (live.length === 0 && names[0] !== undefined) throw this.tokens.loginRequired(names[0]);
    return Promise.all(live.map((name) => this.syncs.run(name)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.logins.close();
    this.tokens.close();
    this.syncs.close();
    this.registry.close();
    this.cache.close();
    this.chained.close();
    if (this.ownsClock) this.clock.stop?.();
    await this.persisted.flush();
  }
}

function sameRole(a: CatalogRole, b: CatalogRole): boolean {
  return a.session === b.session && a.accountId === b.accountId && a.roleName === b.roleName;
}
