import { InvalidInputError, LoginFailedError, ProfileNotFoundError, reloginHint } from '../errors.js';
import type { Logger } from '../logger.js';
import { catalogFileBeside, settingsFile as defaultSettingsFile } from '../paths.js';
import type { Catalog } from '../store/catalog.js';
import { CredentialCache, type CredentialKey } from '../store/credential-cache.js';
import type {
  AgentCore, AlreadyLoggedIn, CatalogRole, LoginPrompt, LoginRequest, LogoutResult, OAuthCallbackQuery, RoleCredentials,
  SessionRemoved, SessionStatus, SyncSummary,
} from '../store/types.js';
import { mapPortalError } from './aws-errors.js';
import { createClientFactory, type AwsClientFactory } from './clients.js';
import { cryptoRandom, systemClock, type Clock, type Random } from './clock.js';
import { persistentCatalog, type PersistentCatalog } from './catalog-persistence.js';
import { ChainedRoles } from './chained/chained-roles.js';
import { checkRoleCredentials } from './credentials/check-role-credentials.js';
import { getRoleCredentials } from './credentials/get-role-credentials.js';
import { credentialRetryDelay } from './credentials/renewal-policy.js';
import { alreadyLoggedIn, findLoginSession } from './login-gate.js';
import { Logins } from './login/logins.js';
import { Registrations } from './login/registration.js';
import { restoreSessions } from './persist/restore-sessions.js';
import { memoryOnly, type SessionVault } from './persist/session-vault.js';
import { retryPolicy, type RetryPolicy } from './retry-policy.js';
import { SessionRegistry } from './session-registry.js';
import { DEFAULT_SYNC_INTERVAL_MS, SyncScheduler } from './sync/sync-scheduler.js';
import { TokenKeeper } from './tokens/token-keeper.js';

export type { Clock, Random } from './clock.js';
export type { AwsClientFactory } from './clients.js';
export type { RetryPolicy } from './retry-policy.js';
export { DEFAULT_SYNC_INTERVAL_MS } from './sync/sync-scheduler.js';

export interface AgentCoreOptions {
  logger: Logger;
  /** AWS_CONFIG_FILE, AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Sessions added by `login --start-url`; never a secret. Default settingsFile(env). */
  settingsFile?: string;
  /** 'http://127.0.0.1:PORT/oauth/callback', known once the TCP app listens. */
  redirectUri: () => string;
  /** Default 8 h, the seed's re-sync period. */
  syncIntervalMs?: number;
  clock?: Clock;
  random?: Random;
  clients?: AwsClientFactory;
  /** The agent's own retries (sync listings, token refresh); the SDK's retries cover single calls. */
  retry?: Partial<RetryPolicy>;
  /** Accounts listed at once during a sync. */
  syncConcurrency?: number;
  /** Called with the whole catalog after each change (the daemon rewrites the token files). */
  onProfilesChanged?: (profiles: CatalogRole[]) => void;
  /** Where sessions outlive the process (`serve --persist keychain`); default memory only. */
  vault?: SessionVault;
}

/** Loads the sessions and returns the running core; its timers are unref'd and close() stops them. */
export async function createAgentCore(opts: AgentCoreOptions): Promise<AgentCore> {
  const core = new SsoAgentCore(opts);
  await core.load();
  await core.restore();
  return core;
}

/**
 * The facade the servers use. It owns nothing but the wiring: sessions (registry), logins, tokens,
 * sync and credentials each have one owner, and meet only through the callbacks passed here
 * (a login's token → the token keeper; logged in → the first sync).
 */
class SsoAgentCore implements AgentCore {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly registry: SessionRegistry;
  private readonly catalog: Catalog;
  private readonly persisted: PersistentCatalog;
  private readonly chained: ChainedRoles;
  private readonly vault: SessionVault;
  /** Sessions whose token came from the vault at start, not from a login in this run. */
  private readonly restored = new Set<string>();
  private readonly registrations: Registrations;
  private readonly tokens: TokenKeeper;
  private readonly logins: Logins;
  private readonly syncs: SyncScheduler;
  private readonly cache: CredentialCache;
  private closed = false;
  private readonly ownsClock: boolean;

  constructor(opts: AgentCoreOptions) {
    const env = opts.env ?? process.env;
    const clock = opts.clock ?? systemClock();
    this.ownsClock = opts.clock === undefined;
    const random = opts.random ?? cryptoRandom();
    const policy = retryPolicy(opts.retry);
    const logger = opts.logger;
    this.log = logger;
    this.clock = clock;
    const vault = opts.vault ?? memoryOnly;
    this.vault = vault;
    const clients = opts.clients ?? createClientFactory({ env });
    const settingsFile = opts.settingsFile ?? defaultSettingsFile(env);
    this.registry = new SessionRegistry({
      env, settingsFile, clients, logger,
      // Names never depend on which sessions exist, so the catalog needs no rebuild here.
      onChanged: (name) => this.registrations.forgetSession(name),
    });
    const config = (s: string) => this.registry.config(s);
    const oidc = (s: string) => this.registry.clients(s).oidc;
    const regionOf = (s: string) => (this.registry.has(s) ? this.registry.config(s).region : undefined);
    this.persisted = persistentCatalog({
      file: catalogFileBeside(settingsFile), logger, regionOf,
      ...(opts.onProfilesChanged ? { onProfilesChanged: opts.onProfilesChanged } : {}),
    });
    this.catalog = this.persisted.catalog;
    this.registrations = new Registrations({ clock, logger, oidc, config });
    this.tokens = new TokenKeeper({ clock, random, policy, logger, oidc, config, portal: (s) => this.registry.clients(s).portal,
      onSet: (s, t) => vault.save(s, {
        startUrl: config(s).startUrl, region: config(s).region, scopes: config(s).scopes, registration: t.registration,
        token: { accessToken: t.accessToken, issuedAt: t.issuedAt, expiresAt: t.expiresAt, ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}) },
      }),
      onLost: (s) => { this.restored.delete(s); vault.remove(s); },
    });
    this.syncs = new SyncScheduler({
      clock, random, policy, logger, catalog: this.catalog, config,
      intervalMs: opts.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS,
      ...(opts.syncConcurrency ? { concurrency: opts.syncConcurrency } : {}),
      portal: (s) => this.registry.clients(s).portalSync,
      withFreshToken: (s, fn) => this.tokens.withFreshToken(s, fn),
    });
    this.logins = new Logins({
      clock, random, logger, env, redirectUri: opts.redirectUri, oidc, config, registrations: this.registrations,
      onToken: (s, answer, reg) => this.tokens.set(s, answer, reg),
      onLoggedIn: (s) => { this.restored.delete(s); return this.syncs.run(s); },
    });
    this.cache = new CredentialCache({
      clock, logger, fetch: (key) => this.fetchCredentials(key), retryDelay: credentialRetryDelay(random),
    });
    this.chained = new ChainedRoles({
      env, clock, logger, clients, catalog: this.catalog,
      roleCredentials: (role) => this.cache.get(role),
      forgetRoleCredentials: (role) => { this.cache.dropSession(role.session); },
      sessionRegion: regionOf, retryDelay: credentialRetryDelay(random),
    });
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
    return this.registry.names().map((name) => {
      const config = this.registry.config(name);
      const accounts = this.catalog.accounts(name);
      let roles = 0;
      let stale = 0;
      for (const a of accounts?.values() ?? []) { roles += a.roles.length; if (a.stale) stale++; }
      const expiresAt = this.tokens.expiresAt(name);
      const { lastSync, lastError, progress } = this.syncs.status(name);
      return {
        name,
        startUrl: config.startUrl,
        region: config.region,
        ...this.tokens.state(name, this.logins.isPending(name)),
        ...(expiresAt !== undefined ? { tokenExpiresAt: new Date(expiresAt).toISOString() } : {}),
        refreshable: this.tokens.refreshable(name),
        restored: this.restored.has(name),
        ...(lastSync !== undefined ? { lastSync: new Date(lastSync).toISOString() } : {}),
        ...(lastError ? { lastSyncError: lastError } : {}),
        ...(progress ? { syncProgress: progress } : {}),
        accounts: accounts?.size ?? 0,
        roles,
        staleAccounts: stale,
      };
    });
  }

  listProfiles(): CatalogRole[] {
    return [...this.catalog.list(), ...this.chained.list()];
  }

  resolveProfile(ref: string): CatalogRole {
    const role = this.catalog.resolve(ref) ?? this.chained.resolve(ref);
    if (!role) throw new ProfileNotFoundError(ref);
    return role;
  }

  /** A role the caller already resolved (the servers do, for their checks) is not looked up twice. */
  async getCredentials(ref: string | CatalogRole): Promise<RoleCredentials> {
    const role = typeof ref === 'string' ? this.resolveProfile(ref) : ref;
    // After a suspend, renewals that fell due run before this answer (see systemClock).
    this.clock.recheck?.();
    return role.chained ? this.chained.credentials(role) : this.cache.get(role);
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
    // Logged in already: the sync under way (the login's own) is joined, else the last one answers.
    if (this.tokens.canServe(session)) return this.syncs.latest(session);
    const failed = this.logins.lastError(session);
    if (failed) throw failed;
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

  private async fetchCredentials(key: CredentialKey): Promise<RoleCredentials> {
    const config = this.registry.config(key.session);
    try {
      const out = await this.tokens.withFreshToken(key.session, (accessToken) => getRoleCredentials(this.registry.clients(key.session).portal, accessToken, key));
      // The portal never gives the IAM role's ARN suffix; see CatalogRole.roleArn.
      return checkRoleCredentials(out, key, null, this.clock.now());
    } catch (err) {
      throw mapPortalError(err, config, `getting credentials for ${key.accountId}:${key.roleName}`);
    }
  }
}
