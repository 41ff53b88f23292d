import type { CreateTokenCommandOutput, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { SSOClient } from '@aws-sdk/client-sso';
import {
  AgentError, InvalidInputError, LoginFailedError, LoginRequiredError, OAuthStateError, ProfileNotFoundError,
  SessionNotFoundError, UpstreamError, reloginHint,
} from '../errors.js';
import type { Logger } from '../logger.js';
import { settingsFile as defaultSettingsFile } from '../paths.js';
import { Catalog } from '../store/catalog.js';
import { CredentialCache, type CredentialKey } from '../store/credential-cache.js';
import { SingleFlight } from '../store/single-flight.js';
import type {
  AgentCore, CatalogRole, LoginFlow, LoginPrompt, LoginRequest, OAuthCallbackQuery, RoleCredentials, SessionConfig,
  SessionStatus, SyncSummary,
} from '../store/types.js';
import { awsErrorName, isRefreshRejected, isTokenRejected, mapLoginError, mapPortalError } from './aws-errors.js';
import { catalogDiff, describeDiff } from './catalog-diff.js';
import { authorizeBase, createClientFactory, loadOidcSdk, loadPortalSdk, type AwsClientFactory } from './clients.js';
import { cryptoRandom, sleep, systemClock, type Clock, type Random, type TimerHandle } from './clock.js';
import { authorizeUrl, codeChallenge, codeVerifier, oauthState } from './pkce.js';
import { roleArn } from './profile-name.js';
import { classifyError, nextDelay, retryPolicy, type RetryPolicy } from './retry-policy.js';
import {
  DEFAULT_SCOPES, loadAwsConfigSessions, loadSettingsSessions, mergeSessions, parseRegion, parseStartUrl,
  saveSettingsSessions, sessionNameFor,
} from './session-config.js';
import { sessionState, tokenRefreshAt } from './session-state.js';
import { listOrganisation } from './sync.js';

export type { Clock, Random } from './clock.js';
export type { AwsClientFactory } from './clients.js';
export type { RetryPolicy } from './retry-policy.js';

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

export const DEFAULT_SYNC_INTERVAL_MS = 8 * 3600_000;
/** How long a PKCE login waits for the browser, as the AWS CLI does. */
export const PKCE_TIMEOUT_MS = 10 * 60_000;
/** A client registration is reused while it has more than this left (the AWS CLI's margin). */
export const REGISTRATION_MARGIN_MS = 15 * 60_000;
/** A refresh that failed for a transient reason is retried no sooner than this. */
export const REFRESH_RETRY_MIN_MS = 30_000;
/** The port-less loopback redirect registered for PKCE; the port is added at /authorize time. */
export const PKCE_REGISTERED_REDIRECT = 'http://127.0.0.1/oauth/callback';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const SLOW_DOWN_STEP_MS = 5_000;

interface Registration {
  flow: LoginFlow;
  clientId: string;
  clientSecret: string;
  /** Epoch ms. */
  expiresAt: number;
  scopes: string[];
}

interface Token {
  accessToken: string;
  issuedAt: number;
  expiresAt: number;
  refreshToken?: string;
  /** A refresh token belongs to the client that got it. */
  registration: Registration;
}

interface PendingLogin {
  flow: LoginFlow;
  prompt: Promise<LoginPrompt>;
  done: Promise<SyncSummary>;
  resolve(s: SyncSummary): void;
  reject(e: unknown): void;
  cancelled: boolean;
  pkce?: { state: string; verifier: string; redirectUri: string; registration: Registration; timer?: TimerHandle };
}

interface SessionRuntime {
  config: SessionConfig;
  registrations: Partial<Record<LoginFlow, Registration>>;
  token?: Token;
  needsLogin?: string;
  login?: PendingLogin;
  lastLoginError?: unknown;
  refreshTimer?: TimerHandle;
  refreshAttempts: number;
  syncTimer?: TimerHandle;
  lastSync?: number;
  lastSyncError?: string;
  lastSummary?: SyncSummary;
  clients?: { oidc: SSOOIDCClient; portal: SSOClient; portalSync: SSOClient };
}

/** Loads the sessions and returns the running core; its timers are unref'd and close() stops them. */
export async function createAgentCore(opts: AgentCoreOptions): Promise<AgentCore> {
  const core = new SsoAgentCore(opts);
  await core.load();
  return core;
}

class SsoAgentCore implements AgentCore {
  private readonly env: NodeJS.ProcessEnv;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly clients: AwsClientFactory;
  private readonly policy: RetryPolicy;
  private readonly log: Logger;
  private readonly settingsPath: string;
  private readonly syncIntervalMs: number;
  private readonly sessions = new Map<string, SessionRuntime>();
  private readonly pkceStates = new Map<string, string>();
  private readonly catalog: Catalog;
  private readonly cache: CredentialCache;
  /** Per session name: one token refresh and one sync at a time; a second caller joins the first. */
  private readonly refreshes = new SingleFlight<void>();
  private readonly syncs = new SingleFlight<SyncSummary>();
  private closed = false;

  constructor(private readonly opts: AgentCoreOptions) {
    this.env = opts.env ?? process.env;
    this.clock = opts.clock ?? systemClock();
    this.random = opts.random ?? cryptoRandom();
    this.clients = opts.clients ?? createClientFactory({ env: this.env });
    this.policy = retryPolicy(opts.retry);
    this.log = opts.logger;
    this.settingsPath = opts.settingsFile ?? defaultSettingsFile(this.env);
    this.syncIntervalMs = opts.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
    this.catalog = new Catalog(() => [...this.sessions.keys()]);
    this.cache = new CredentialCache({
      clock: this.clock,
      logger: this.log,
      fetch: (key) => this.fetchCredentials(key),
    });
  }

  // ---- sessions ---------------------------------------------------------------------------------

  async load(): Promise<void> {
    const { sessions: fromConfig, skipped } = await loadAwsConfigSessions(this.env);
    for (const why of skipped) this.log.warn({ why }, 'ignoring an incomplete sso-session section');
    const fromSettings = await loadSettingsSessions(this.settingsPath);
    let changed = false;
    for (const config of mergeSessions(fromConfig, fromSettings)) {
      const rt = this.sessions.get(config.name);
      if (!rt) {
        this.sessions.set(config.name, { config, registrations: {}, refreshAttempts: 0 });
        changed = true;
      } else if (rt.config.startUrl !== config.startUrl || rt.config.region !== config.region || rt.config.scopes.join() !== config.scopes.join()) {
        // Edited in the config file while the agent runs: the next login uses the new values.
        rt.config = config;
        rt.registrations = {};
        rt.clients = undefined;
      }
    }
    if (changed) this.catalog.rebuild();
    this.log.info({ sessions: [...this.sessions.keys()] }, 'sessions loaded');
  }

  private runtime(name: string): SessionRuntime {
    const rt = this.sessions.get(name);
    if (!rt) throw new SessionNotFoundError(name);
    return rt;
  }

  private clientsOf(rt: SessionRuntime): NonNullable<SessionRuntime['clients']> {
    if (!rt.clients) {
      rt.clients = {
        oidc: this.clients.oidc(rt.config),
        portal: this.clients.portal(rt.config, 'default'),
        portalSync: this.clients.portal(rt.config, 'sync'),
      };
    }
    return rt.clients;
  }

  listSessions(): SessionStatus[] {
    const now = this.clock.now();
    return [...this.sessions.values()].map((rt) => {
      const accounts = this.catalog.accounts(rt.config.name);
      let roles = 0;
      let stale = 0;
      for (const a of accounts?.values() ?? []) { roles += a.roles.length; if (a.stale) stale++; }
      return {
        name: rt.config.name,
        startUrl: rt.config.startUrl,
        region: rt.config.region,
        state: this.stateOf(rt, now),
        ...(rt.token ? { tokenExpiresAt: new Date(rt.token.expiresAt).toISOString() } : {}),
        refreshable: Boolean(rt.token?.refreshToken),
        ...(rt.lastSync !== undefined ? { lastSync: new Date(rt.lastSync).toISOString() } : {}),
        ...(rt.lastSyncError ? { lastSyncError: rt.lastSyncError } : {}),
        accounts: accounts?.size ?? 0,
        roles,
        staleAccounts: stale,
      };
    });
  }

  private stateOf(rt: SessionRuntime, now: number): SessionStatus['state'] {
    return sessionState({
      loginPending: Boolean(rt.login) && !rt.token,
      ...(rt.token ? { token: { expiresAt: rt.token.expiresAt, refreshable: Boolean(rt.token.refreshToken) } } : {}),
      needsLogin: rt.needsLogin !== undefined,
    }, now);
  }

  // ---- profiles and credentials -------------------------------------------------------------------

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

  /** The token a portal call may use now, or the LoginRequiredError that says why not. */
  private usableToken(rt: SessionRuntime): Token {
    const now = this.clock.now();
    const token = rt.token;
    if (token && token.expiresAt > now) return token;
    const name = rt.config.name;
    if (token) throw new LoginRequiredError(name, 'has expired');
    if (rt.needsLogin) throw new LoginRequiredError(name, rt.needsLogin);
    throw new LoginRequiredError(name);
  }

  /**
   * Like usableToken, but an access token that ran out while its refresh token is still good (a
   * laptop that slept through the refresh timer, a refresh that failed for a while) is refreshed now.
   */
  private async currentToken(rt: SessionRuntime): Promise<Token> {
    const token = rt.token;
    if (token?.refreshToken && token.expiresAt <= this.clock.now()) {
      try {
        await this.refresh(rt);
      } catch (err) {
        // Rejected: usableToken below names the fix. Anything else is upstream trouble, said as such.
        if (!(err instanceof LoginRequiredError)) throw err;
      }
    }
    return this.usableToken(rt);
  }

  private async fetchCredentials(key: CredentialKey): Promise<RoleCredentials> {
    const rt = this.runtime(key.session);
    const attempt = async (): Promise<RoleCredentials> => {
      const token = await this.currentToken(rt);
      const out = await this.clientsOf(rt).portal.send(new (await loadPortalSdk()).GetRoleCredentialsCommand({
        accessToken: token.accessToken, accountId: key.accountId, roleName: key.roleName,
      }));
      const c = out.roleCredentials;
      if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || typeof c.expiration !== 'number') {
        throw new UpstreamError(`GetRoleCredentials for ${key.accountId}:${key.roleName} returned no usable credentials; try again shortly`);
      }
      return {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        expiration: c.expiration,
        accountId: key.accountId,
        roleArn: roleArn(key.accountId, key.roleName),
      };
    };
    const what = `getting credentials for ${key.accountId}:${key.roleName}`;
    try {
      return await attempt();
    } catch (err) {
      if (!isTokenRejected(err)) throw mapPortalError(err, rt.config, what);
      // The portal no longer takes the token (revoked, or expired early): one refresh, one retry.
      if (rt.token?.refreshToken) {
        await this.refresh(rt);
        try {
          return await attempt();
        } catch (again) {
          if (!isTokenRejected(again)) throw mapPortalError(again, rt.config, what);
        }
      }
      throw this.loseToken(rt, 'has an expired or revoked token');
    }
  }

  // ---- login ------------------------------------------------------------------------------------

  async startLogin(req: LoginRequest): Promise<LoginPrompt> {
    if (req.flow !== 'pkce' && req.flow !== 'device') throw new InvalidInputError(`unknown login flow ${JSON.stringify(req.flow)}: use "pkce" or "device"`);
    const rt = await this.loginSession(req);
    if (rt.login) {
      const prompt = await rt.login.prompt;
      return { ...prompt, joined: true };
    }
    // Nothing below may await before rt.login is set: a concurrent request must find it and join.
    let scopesChanged = false;
    if (req.scopes?.length && req.scopes.join(' ') !== rt.config.scopes.join(' ')) {
      rt.config = { ...rt.config, scopes: [...req.scopes] };
      rt.registrations = {};
      scopesChanged = rt.config.source === 'agent-settings';
    }
    let resolve!: (s: SyncSummary) => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<SyncSummary>((res, rej) => { resolve = res; reject = rej; });
    // Nobody may be waiting (a login started from a script); a failure is still recorded.
    done.catch(() => {});
    const login: PendingLogin = { flow: req.flow, done, resolve, reject, cancelled: false, prompt: Promise.resolve(undefined as never) };
    rt.login = login;
    rt.lastLoginError = undefined;
    login.prompt = req.flow === 'device' ? this.beginDevice(rt, login) : this.beginPkce(rt, login);
    if (scopesChanged) {
      this.saveSettings().catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'could not save the agent settings'));
    }
    try {
      const prompt = await login.prompt;
      this.log.info({ session: rt.config.name, flow: req.flow }, 'login started');
      return prompt;
    } catch (err) {
      this.failLogin(rt, login, err);
      throw err;
    }
  }

  private async loginSession(req: LoginRequest): Promise<SessionRuntime> {
    if (req.session) {
      let rt = this.sessions.get(req.session);
      if (!rt) {
        await this.load();
        rt = this.sessions.get(req.session);
      }
      if (rt) {
        if (req.startUrl && parseStartUrl(req.startUrl) !== rt.config.startUrl) {
          throw new InvalidInputError(`SSO session ${req.session} already uses the start URL ${rt.config.startUrl}: drop --start-url, or pick another --session name`);
        }
        return rt;
      }
      if (!req.startUrl || !req.region) throw new SessionNotFoundError(req.session);
      return this.addSession(req.session, req.startUrl, req.region, req.scopes);
    }
    if (req.startUrl) {
      const startUrl = parseStartUrl(req.startUrl);
      const existing = [...this.sessions.values()].find((s) => s.config.startUrl === startUrl && (!req.region || s.config.region === req.region));
      if (existing) return existing;
      if (!req.region) throw new InvalidInputError('--start-url needs --region: pass the region of your IAM Identity Center, e.g. --region eu-west-1');
      return this.addSession(sessionNameFor(startUrl, new Set(this.sessions.keys())), startUrl, req.region, req.scopes);
    }
    if (this.sessions.size === 1) return [...this.sessions.values()][0]!;
    if (this.sessions.size === 0) {
      throw new InvalidInputError('no SSO session is configured: run `sso-agent login --start-url URL --region REGION`, or add an [sso-session NAME] section to ~/.aws/config');
    }
    throw new InvalidInputError(`several SSO sessions are configured (${[...this.sessions.keys()].join(', ')}): pass --session NAME`);
  }

  private async addSession(name: string, startUrlInput: string, regionInput: string, scopes?: string[]): Promise<SessionRuntime> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
      throw new InvalidInputError(`${JSON.stringify(name)} is not a usable session name: use letters, digits, '.', '_' and '-'`);
    }
    const config: SessionConfig = {
      name,
      startUrl: parseStartUrl(startUrlInput),
      region: parseRegion(regionInput),
      scopes: scopes?.length ? [...scopes] : [...DEFAULT_SCOPES],
      source: 'agent-settings',
    };
    const rt: SessionRuntime = { config, registrations: {}, refreshAttempts: 0 };
    this.sessions.set(name, rt);
    this.catalog.rebuild();
    await this.saveSettings();
    this.log.info({ session: name, startUrl: config.startUrl, region: config.region }, 'session added');
    return rt;
  }

  private async saveSettings(): Promise<void> {
    const added = [...this.sessions.values()].map((s) => s.config).filter((c) => c.source === 'agent-settings');
    await saveSettingsSessions(this.settingsPath, added);
  }

  /** The session's OIDC client for this flow, registered once and reused until it nearly expires. */
  private async registration(rt: SessionRuntime, flow: LoginFlow): Promise<Registration> {
    const existing = rt.registrations[flow];
    const now = this.clock.now();
    if (existing && existing.expiresAt - now > REGISTRATION_MARGIN_MS && existing.scopes.join(' ') === rt.config.scopes.join(' ')) return existing;
    const { config } = rt;
    try {
      const out = await this.clientsOf(rt).oidc.send(new (await loadOidcSdk()).RegisterClientCommand({
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
        // clientSecretExpiresAt is epoch seconds; without it assume the service's usual 90 days.
        expiresAt: out.clientSecretExpiresAt ? out.clientSecretExpiresAt * 1000 : now + 90 * 24 * 3600_000,
        scopes: [...config.scopes],
      };
      rt.registrations[flow] = reg;
      this.log.info({ session: config.name, flow }, 'registered OIDC client');
      return reg;
    } catch (err) {
      throw mapLoginError(err, config);
    }
  }

  /** Runs an OIDC call with the session's registration; re-registers once if the service no longer knows the client. */
  private async withRegistration<T>(rt: SessionRuntime, flow: LoginFlow, fn: (reg: Registration) => Promise<T>): Promise<{ out: T; reg: Registration }> {
    let reg = await this.registration(rt, flow);
    try {
      return { out: await fn(reg), reg };
    } catch (err) {
      if (awsErrorName(err) !== 'InvalidClientException') throw err;
      delete rt.registrations[flow];
      reg = await this.registration(rt, flow);
      return { out: await fn(reg), reg };
    }
  }

  private async beginDevice(rt: SessionRuntime, login: PendingLogin): Promise<LoginPrompt> {
    const { config } = rt;
    const oidc = this.clientsOf(rt).oidc;
    let started;
    try {
      started = await this.withRegistration(rt, 'device', async (reg) => oidc.send(new (await loadOidcSdk()).StartDeviceAuthorizationCommand({
        clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: config.startUrl,
      })));
    } catch (err) {
      throw mapLoginError(err, config);
    }
    const { out: auth, reg } = started;
    if (!auth.deviceCode || !auth.userCode || !(auth.verificationUriComplete || auth.verificationUri)) {
      throw new UpstreamError('StartDeviceAuthorization returned no device code; try again shortly');
    }
    const now = this.clock.now();
    const expiresAt = now + (auth.expiresIn ?? 600) * 1000;
    void this.pollDevice(rt, login, reg, auth.deviceCode, (auth.interval ?? 5) * 1000, expiresAt)
      .catch((err: unknown) => this.failLogin(rt, login, err));
    return {
      session: config.name,
      flow: 'device',
      url: (auth.verificationUriComplete || auth.verificationUri)!,
      userCode: auth.userCode,
      expiresAt: new Date(expiresAt).toISOString(),
      joined: false,
    };
  }

  /** RFC 8628 polling: wait `interval`, +5 s on SlowDown, give up at expiry or on a final answer. */
  private async pollDevice(rt: SessionRuntime, login: PendingLogin, reg: Registration, deviceCode: string, intervalMs: number, expiresAt: number): Promise<void> {
    const oidc = this.clientsOf(rt).oidc;
    let interval = intervalMs;
    for (;;) {
      await sleep(this.clock, interval, 'device-poll');
      if (login.cancelled || this.closed) return;
      if (this.clock.now() >= expiresAt) {
        throw new LoginFailedError(`the login for SSO session ${rt.config.name} was not approved in time and expired; ${reloginHint(rt.config.name)} to try again`);
      }
      let out: CreateTokenCommandOutput;
      try {
        out = await oidc.send(new (await loadOidcSdk()).CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT, deviceCode }));
      } catch (err) {
        const name = awsErrorName(err);
        if (name === 'AuthorizationPendingException') continue;
        if (name === 'SlowDownException') { interval += SLOW_DOWN_STEP_MS; continue; }
        // Throttling or a 5xx that outlasted the SDK's retries: keep polling until the code expires.
        if (classifyError(err) !== 'fatal') continue;
        if (name === 'InvalidClientException' && rt.registrations.device === reg) delete rt.registrations.device;
        throw mapLoginError(err, rt.config);
      }
      if (login.cancelled || this.closed) return;
      this.setToken(rt, out, reg);
      await this.finishLogin(rt, login);
      return;
    }
  }

  private async beginPkce(rt: SessionRuntime, login: PendingLogin): Promise<LoginPrompt> {
    const { config } = rt;
    const registration = await this.registration(rt, 'pkce');
    const verifier = codeVerifier(this.random);
    const state = oauthState(this.random);
    const redirectUri = this.opts.redirectUri();
    const url = authorizeUrl({
      base: authorizeBase(config, this.env), clientId: registration.clientId, redirectUri, state,
      scopes: config.scopes, challenge: codeChallenge(verifier),
    });
    const timer = this.clock.setTimeout(() => {
      this.failLogin(rt, login, new LoginFailedError(`no answer from the browser within ${PKCE_TIMEOUT_MS / 60_000} minutes for SSO session ${config.name}; ${reloginHint(config.name)} to try again`));
    }, PKCE_TIMEOUT_MS, 'pkce-timeout');
    login.pkce = { state, verifier, redirectUri, registration, timer };
    this.pkceStates.set(state, config.name);
    return {
      session: config.name,
      flow: 'pkce',
      url,
      expiresAt: new Date(this.clock.now() + PKCE_TIMEOUT_MS).toISOString(),
      joined: false,
    };
  }

  async completeOAuthCallback(query: OAuthCallbackQuery): Promise<{ session: string }> {
    const sessionName = query.state ? this.pkceStates.get(query.state) : undefined;
    const rt = sessionName ? this.sessions.get(sessionName) : undefined;
    const login = rt?.login;
    if (!rt || !login?.pkce || login.pkce.state !== query.state) {
      throw new OAuthStateError('this sign-in link is unknown or was already used: start again with `sso-agent login`');
    }
    this.pkceStates.delete(login.pkce.state);
    const { config } = rt;
    if (query.error) {
      const err = new LoginFailedError(`the sign-in for SSO session ${config.name} was refused (${query.error}${query.error_description ? `: ${query.error_description}` : ''}); ${reloginHint(config.name)} to try again`);
      this.failLogin(rt, login, err);
      throw err;
    }
    if (!query.code) {
      const err = new LoginFailedError(`the browser came back without an authorization code for SSO session ${config.name}; ${reloginHint(config.name)} to try again`);
      this.failLogin(rt, login, err);
      throw err;
    }
    const { verifier, redirectUri, registration } = login.pkce;
    let out: CreateTokenCommandOutput;
    try {
      out = await this.clientsOf(rt).oidc.send(new (await loadOidcSdk()).CreateTokenCommand({
        clientId: registration.clientId, clientSecret: registration.clientSecret, grantType: 'authorization_code',
        code: query.code, redirectUri, codeVerifier: verifier,
      }));
    } catch (err) {
      if (awsErrorName(err) === 'InvalidClientException' && rt.registrations.pkce === registration) delete rt.registrations.pkce;
      const mapped = mapLoginError(err, config);
      this.failLogin(rt, login, mapped);
      throw mapped;
    }
    if (login.cancelled) throw new LoginFailedError(`the login for SSO session ${config.name} was cancelled; ${reloginHint(config.name)} to try again`);
    this.clock.clearTimeout(login.pkce.timer);
    this.setToken(rt, out, registration);
    // The browser gets its page now; the sync that completes the login runs on.
    void this.finishLogin(rt, login);
    return { session: config.name };
  }

  private async finishLogin(rt: SessionRuntime, login: PendingLogin): Promise<void> {
    if (rt.login === login) rt.login = undefined;
    this.log.info({ session: rt.config.name, flow: login.flow, refreshable: Boolean(rt.token?.refreshToken) }, 'logged in');
    try {
      login.resolve(await this.syncOne(rt));
    } catch (err) {
      login.reject(err);
    }
  }

  private failLogin(rt: SessionRuntime, login: PendingLogin, err: unknown): void {
    if (login.pkce) {
      this.clock.clearTimeout(login.pkce.timer);
      this.pkceStates.delete(login.pkce.state);
    }
    login.cancelled = true;
    if (rt.login === login) {
      rt.login = undefined;
      rt.lastLoginError = err;
    }
    this.log.warn({ session: rt.config.name, flow: login.flow, err: err instanceof AgentError ? err.code : awsErrorName(err) }, 'login failed');
    login.reject(err);
  }

  async waitLogin(session: string): Promise<SyncSummary> {
    const rt = this.runtime(session);
    if (rt.login) return rt.login.done;
    if (rt.token && rt.token.expiresAt > this.clock.now()) {
      // A sync under way (the login's own) is joined; else the last one answers.
      if (rt.lastSummary && !this.syncs.has(rt.config.name)) return rt.lastSummary;
      return this.syncOne(rt);
    }
    if (rt.lastLoginError) throw rt.lastLoginError;
    this.usableToken(rt);
    throw new LoginRequiredError(session);
  }

  // ---- token lifecycle --------------------------------------------------------------------------

  private setToken(rt: SessionRuntime, out: CreateTokenCommandOutput, reg: Registration): void {
    if (!out.accessToken) throw new UpstreamError('CreateToken returned no access token; try again shortly');
    const now = this.clock.now();
    const previous = rt.token;
    // A refresh answer without a refresh token keeps the old one: the SDKs drop it and then can
    // never refresh again. (Only from the same client: a refresh token belongs to its client.)
    const refreshToken = out.refreshToken ?? (previous?.registration === reg ? previous.refreshToken : undefined);
    rt.token = {
      accessToken: out.accessToken,
      issuedAt: now,
      expiresAt: now + (out.expiresIn ?? 3600) * 1000,
      ...(refreshToken ? { refreshToken } : {}),
      registration: reg,
    };
    rt.needsLogin = undefined;
    rt.lastLoginError = undefined;
    rt.refreshAttempts = 0;
    this.scheduleRefresh(rt);
  }

  private scheduleRefresh(rt: SessionRuntime): void {
    this.clock.clearTimeout(rt.refreshTimer);
    rt.refreshTimer = undefined;
    const token = rt.token;
    // Without a refresh token nothing is scheduled: the state turns expiring/expired by the clock.
    if (!token?.refreshToken || this.closed) return;
    const at = tokenRefreshAt(token.issuedAt, token.expiresAt);
    rt.refreshTimer = this.clock.setTimeout(() => {
      rt.refreshTimer = undefined;
      void this.refresh(rt).then(
        () => { if (rt.token?.refreshToken) this.syncOne(rt).catch(() => { /* logged by syncOne */ }); },
        () => { /* logged by refresh */ },
      );
    }, Math.max(0, at - this.clock.now()), 'token-refresh');
  }

  /** One refresh at a time per session; rejection → login-needed, transient failure → a later retry. */
  private refresh(rt: SessionRuntime): Promise<void> {
    return this.refreshes.run(rt.config.name, () => this.doRefresh(rt));
  }

  private async doRefresh(rt: SessionRuntime): Promise<void> {
    const token = rt.token;
    if (!token?.refreshToken) return;
    const reg = token.registration;
    const name = rt.config.name;
    let out: CreateTokenCommandOutput;
    try {
      out = await this.clientsOf(rt).oidc.send(new (await loadOidcSdk()).CreateTokenCommand({
        clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'refresh_token', refreshToken: token.refreshToken,
      }));
    } catch (err) {
      if (rt.token !== token) return;
      if (isRefreshRejected(err)) {
        this.log.warn({ session: name, err: awsErrorName(err) }, 'token refresh rejected; login needed');
        throw this.loseToken(rt, 'needs a new login (IAM Identity Center rejected the refresh)');
      }
      rt.refreshAttempts++;
      const delay = nextDelay(rt.refreshAttempts, err, this.random, this.policy);
      const retryAt = this.clock.now() + Math.max(REFRESH_RETRY_MIN_MS, delay ?? 0);
      if (delay !== undefined && retryAt < token.expiresAt && !this.closed) {
        this.log.warn({ session: name, err: awsErrorName(err), attempt: rt.refreshAttempts }, 'token refresh failed; will retry');
        this.clock.clearTimeout(rt.refreshTimer);
        rt.refreshTimer = this.clock.setTimeout(() => {
          rt.refreshTimer = undefined;
          void this.refresh(rt).catch(() => {});
        }, retryAt - this.clock.now(), 'token-refresh');
      } else {
        this.log.warn({ session: name, err: awsErrorName(err) }, 'token refresh failed; giving up until the token expires');
      }
      throw mapLoginError(err, rt.config);
    }
    if (rt.token !== token || !out.accessToken) return;
    this.setToken(rt, out, reg);
    this.log.info({ session: name, rotated: Boolean(out.refreshToken), expiresAt: new Date(rt.token.expiresAt).toISOString() }, 'token refreshed');
  }

  /**
   * The session can no longer call the portal: a person must log in. Cached credentials stay valid
   * AWS credentials and are kept. Returns the error that says so, for callers that fail with it.
   */
  private loseToken(rt: SessionRuntime, why: string): LoginRequiredError {
    rt.token = undefined;
    rt.needsLogin = why;
    this.clock.clearTimeout(rt.refreshTimer);
    rt.refreshTimer = undefined;
    this.clock.clearTimeout(rt.syncTimer);
    rt.syncTimer = undefined;
    return new LoginRequiredError(rt.config.name, why);
  }

  async logout(session: string): Promise<void> {
    const rt = this.runtime(session);
    if (rt.login) {
      this.failLogin(rt, rt.login, new LoginFailedError(`the login for SSO session ${session} was cancelled by a logout; ${reloginHint(session)} to log in again`));
      rt.lastLoginError = undefined;
    }
    const token = rt.token;
    try {
      if (token && token.expiresAt > this.clock.now()) {
        await this.clientsOf(rt).portal.send(new (await loadPortalSdk()).LogoutCommand({ accessToken: token.accessToken }));
      }
    } catch (err) {
      // The local state is dropped either way; the server-side session then ends at its own expiry.
      this.log.warn({ session, err: awsErrorName(err) }, 'portal logout failed; forgetting the token anyway');
    } finally {
      this.loseToken(rt, 'is logged out');
      const dropped = this.cache.dropSession(session);
      this.log.info({ session, droppedCredentials: dropped }, 'logged out');
    }
  }

  // ---- sync ---------------------------------------------------------------------------------------

  async sync(session?: string): Promise<SyncSummary[]> {
    if (session) {
      if (!this.sessions.has(session)) await this.load();
      return [await this.syncOne(this.runtime(session))];
    }
    await this.load();
    const now = this.clock.now();
    const live = [...this.sessions.values()].filter((rt) => rt.token && rt.token.expiresAt > now);
    if (live.length === 0) {
      const first = [...this.sessions.values()][0];
      if (!first) return [];
      this.usableToken(first);
    }
    return Promise.all(live.map((rt) => this.syncOne(rt)));
  }

  /** One sync per session at a time: a second request joins the running one. */
  private syncOne(rt: SessionRuntime): Promise<SyncSummary> {
    const p = this.syncs.run(rt.config.name, () => this.doSync(rt));
    p.catch(() => {});
    return p;
  }

  private async doSync(rt: SessionRuntime): Promise<SyncSummary> {
    const name = rt.config.name;
    let token = await this.currentToken(rt);
    const started = this.policy.monotonicNow();
    const before = this.catalog.rolesOf(name);
    const list = (accessToken: string) => listOrganisation({
      client: this.clientsOf(rt).portalSync,
      accessToken,
      policy: this.policy,
      random: this.random,
      logger: this.log,
      previous: this.catalog.accounts(name),
      ...(this.opts.syncConcurrency ? { concurrency: this.opts.syncConcurrency } : {}),
    });
    let listing;
    try {
      try {
        listing = await list(token.accessToken);
      } catch (err) {
        // The portal no longer takes a token we thought good (revoked, or expired early): as for
        // credentials, one refresh and one retry before a person is asked to log in again.
        if (!isTokenRejected(err) || !token.refreshToken || rt.token !== token) throw err;
        await this.refresh(rt);
        token = this.usableToken(rt);
        listing = await list(token.accessToken);
      }
    } catch (err) {
      if (isTokenRejected(err) && rt.token === token) {
        this.loseToken(rt, 'has an expired or revoked token');
      }
      const mapped = mapPortalError(err, rt.config, `listing the accounts of SSO session ${name}`);
      rt.lastSyncError = mapped.message;
      this.log.warn({ session: name, err: mapped.code }, 'sync failed; keeping the previous catalog');
      this.scheduleSync(rt);
      throw mapped;
    }
    this.catalog.setAccounts(name, listing.accounts);
    const after = this.catalog.rolesOf(name);
    const diff = catalogDiff(before, after);
    const summary: SyncSummary = {
      session: name,
      accounts: listing.accounts.size,
      roles: after.length,
      added: diff.added.length,
      removed: diff.removed.length,
      failedAccounts: listing.failedAccounts.length,
      durationMs: Math.round(this.policy.monotonicNow() - started),
    };
    rt.lastSync = this.clock.now();
    rt.lastSyncError = listing.failedAccounts.length
      ? `${listing.failedAccounts.length} account(s) could not be listed; their roles are last-known`
      : undefined;
    rt.lastSummary = summary;
    const shown = describeDiff(diff);
    this.log.info({
      session: name, accounts: summary.accounts, roles: summary.roles, added: summary.added, removed: summary.removed,
      addedRoles: shown.added, removedRoles: shown.removed, failedAccounts: summary.failedAccounts,
      calls: listing.calls, throttled: listing.throttles, durationMs: summary.durationMs,
    }, 'sync finished');
    this.scheduleSync(rt);
    return summary;
  }

  private scheduleSync(rt: SessionRuntime): void {
    this.clock.clearTimeout(rt.syncTimer);
    rt.syncTimer = undefined;
    if (this.closed || !rt.token) return;
    rt.syncTimer = this.clock.setTimeout(() => {
      rt.syncTimer = undefined;
      this.syncOne(rt).catch(() => { /* logged by doSync */ });
    }, this.syncIntervalMs, 'sync-interval');
  }

  // ---- shutdown ---------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const rt of this.sessions.values()) {
      this.clock.clearTimeout(rt.refreshTimer);
      this.clock.clearTimeout(rt.syncTimer);
      rt.refreshTimer = undefined;
      rt.syncTimer = undefined;
      if (rt.login) this.failLogin(rt, rt.login, new LoginFailedError(`the agent stopped during the login for SSO session ${rt.config.name}; ${reloginHint(rt.config.name)} once it runs again`));
      if (rt.clients) {
        rt.clients.oidc.destroy();
        rt.clients.portal.destroy();
        rt.clients.portalSync.destroy();
        rt.clients = undefined;
      }
    }
    this.cache.close();
  }
}
