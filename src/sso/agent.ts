import { InvalidInputError, LoginFailedError, ProfileNotFoundError, reloginHint } from '../errors.js';
import type { Logger } from '../logger.js';
import { settingsFile as defaultSettingsFile } from '../paths.js';
import { Catalog } from '../store/catalog.js';
import { CredentialCache, type CredentialKey } from '../store/credential-cache.js';
import type {
  AgentCore, CatalogRole, LoginPrompt, LoginRequest, LogoutResult, OAuthCallbackQuery, RoleCredentials,
  SessionStatus, SyncSummary,
} from '../store/types.js';
import { mapPortalError } from './aws-errors.js';
import { createClientFactory, type AwsClientFactory } from './clients.js';
import { cryptoRandom, systemClock, type Clock, type Random } from './clock.js';
import { checkRoleCredentials } from './credentials/check-role-credentials.js';
import { getRoleCredentials } from './credentials/get-role-credentials.js';
import { credentialRetryDelay } from './credentials/renewal-policy.js';
import { Logins } from './login/logins.js';
import { Registrations } from './login/registration.js';
import { roleArn } from './profile-name.js';
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
}

/** Loads the sessions and returns the running core; its timers are unref'd and close() stops them. */
export async function createAgentCore(opts: AgentCoreOptions): Promise<AgentCore> {
  const core = new SsoAgentCore(opts);
  await core.load();
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
  private readonly registrations: Registrations;
  private readonly tokens: TokenKeeper;
  private readonly logins: Logins;
  private readonly syncs: SyncScheduler;
  private readonly cache: CredentialCache;
  private closed = false;

  constructor(opts: AgentCoreOptions) {
    const env = opts.env ?? process.env;
    const clock = opts.clock ?? systemClock();
    const random = opts.random ?? cryptoRandom();
    const policy = retryPolicy(opts.retry);
    const logger = opts.logger;
    this.log = logger;
    this.clock = clock;
    this.registry = new SessionRegistry({
      env,
      settingsFile: opts.settingsFile ?? defaultSettingsFile(env),
      clients: opts.clients ?? createClientFactory({ env }),
      logger,
      onChanged: (name) => {
        this.registrations.forgetSession(name);
        this.catalog.rebuild();
      },
    });
    const config = (s: string) => this.registry.config(s);
    const oidc = (s: string) => this.registry.clients(s).oidc;
    this.catalog = new Catalog(() => this.registry.names());
    this.registrations = new Registrations({ clock, logger, oidc, config });
    this.tokens = new TokenKeeper({ clock, random, policy, logger, oidc, config, portal: (s) => this.registry.clients(s).portal });
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
      onLoggedIn: (s) => this.syncs.run(s),
    });
    this.cache = new CredentialCache({
      clock, logger, fetch: (key) => this.fetchCredentials(key), retryDelay: credentialRetryDelay(random),
    });
  }

  load(): Promise<void> {
    return this.registry.load();
  }

  listSessions(): SessionStatus[] {
    return this.registry.names().map((name) => {
      const config = this.registry.config(name);
      const accounts = this.catalog.accounts(name);
      let roles = 0;
      let stale = 0;
      for (const a of accounts?.values() ?? []) { roles += a.roles.length; if (a.stale) stale++; }
      const expiresAt = this.tokens.expiresAt(name);
      const { lastSync, lastError } = this.syncs.status(name);
      return {
        name,
        startUrl: config.startUrl,
        region: config.region,
        ...this.tokens.state(name, this.logins.isPending(name)),
        ...(expiresAt !== undefined ? { tokenExpiresAt: new Date(expiresAt).toISOString() } : {}),
        refreshable: this.tokens.refreshable(name),
        ...(lastSync !== undefined ? { lastSync: new Date(lastSync).toISOString() } : {}),
        ...(lastError ? { lastSyncError: lastError } : {}),
        accounts: accounts?.size ?? 0,
        roles,
        staleAccounts: stale,
      };
    });
  }

  listProfiles(): CatalogRole[] {
    return this.catalog.list();
  }

  resolveProfile(ref: string): CatalogRole {
    const role = this.catalog.resolve(ref);
    if (!role) throw new ProfileNotFoundError(ref);
    return role;
  }

  async getCredentials(ref: string): Promise<RoleCredentials> {
    return this.cache.get(this.resolveProfile(ref));
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
    return this.logins.start(config, req.flow);
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
    const dropped = this.cache.dropSession(session);
    this.log.info({ session, droppedCredentials: dropped, portal }, 'logged out');
    return { session, portal };
  }

  async sync(session?: string): Promise<SyncSummary[]> {
    if (session) {
      if (!this.registry.has(session)) await this.load();
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
  }

  private async fetchCredentials(key: CredentialKey): Promise<RoleCredentials> {
    const config = this.registry.config(key.session);
    try {
      const out = await this.tokens.withFreshToken(key.session, (accessToken) => getRoleCredentials(this.registry.clients(key.session).portal, accessToken, key));
      return checkRoleCredentials(out, key, roleArn(key.accountId, key.roleName), this.clock.now());
    } catch (err) {
      throw mapPortalError(err, config, `getting credentials for ${key.accountId}:${key.roleName}`);
    }
  }
}
