/**
 * The domain types every part of the agent speaks. `sso/` and `store/` produce them, `server/`
 * serves them, `cli/` prints them. No secrets live in any type that reaches `status`/`ls`/health.
 */

/** One IAM Identity Center instance (an `[sso-session NAME]`). Holds no secret. */
export interface SessionConfig {
  name: string;
  startUrl: string;
  region: string;
  /** Registration scopes; `sso:account:access` is what makes CreateToken return a refresh token. */
  scopes: string[];
  /** Endpoint overrides (the emulator, or a private endpoint). Fall back to AWS_ENDPOINT_URL_SSO_OIDC / _SSO. */
  oidcEndpoint?: string;
  portalEndpoint?: string;
  source: 'aws-config' | 'agent-settings';
}

/**
 * What a session can do now, as `status` and /health show it.
 * - not-logged-in: no login since the agent started (nothing has gone wrong).
 * - login-pending: a login waits for the person at the browser.
 * - active: holds a token that serves; with a refresh token it is renewed in the background.
 * - refreshing: the access token ran out or is being renewed, but the refresh token is good: the
 *   next request recovers without a person. Not a reason to log in.
 * - expiring: no refresh token and less than 15 min left.
 * - login-needed: a person must log in; `loginNeeded` says why.
 */
export type SessionState = 'not-logged-in' | 'login-pending' | 'active' | 'refreshing' | 'expiring' | 'login-needed';

/**
 * Why a login is needed: the token ran out with no refresh token (expired), IAM Identity Center
 * refused the refresh (refresh-rejected) or the token (token-rejected), or a logout.
 */
export type LoginNeededReason = 'expired' | 'refresh-rejected' | 'token-rejected' | 'logged-out';

export interface SessionStatus {
  name: string;
  startUrl: string;
  region: string;
  state: SessionState;
  /** Set with state login-needed. */
  loginNeeded?: LoginNeededReason;
  /** ISO-8601 UTC. */
  tokenExpiresAt?: string;
  refreshable: boolean;
  /** True when the token came from the OS keychain at start (`serve --persist keychain`), not a login. */
  restored?: boolean;
  /** ISO-8601 UTC of the last finished sync. */
  lastSync?: string;
  lastSyncError?: string;
  accounts: number;
  roles: number;
  /** Accounts whose last listing failed; their roles are last-known. */
  staleAccounts: number;
  /** While a sync runs: how far it got (for progress on a terminal). */
  syncProgress?: SyncProgress;
  /** While a token is held: when the sign-in itself (not the hourly token) ends, as far as AWS says. */
  signIn?: SignInEnd;
}

/**
 * When a sign-in ends and how that is known (src/sso/tokens/sign-in-end.ts):
 * - access-token: no refresh token, so the sign-in ends exactly when the access token does.
 * - client-registration: refreshed in the background; IAM Identity Center does not tell clients the
 *   refresh token's lifetime (the administrator's session duration), so `endsAt` is the latest it
 *   can be, the OIDC client registration's expiry. It may end sooner.
 */
export interface SignInEnd {
  /** ISO-8601 UTC of the browser login; absent for a sign-in restored from the keychain. */
  signedInAt?: string;
  /** ISO-8601 UTC. */
  endsAt: string;
  endsBy: 'access-token' | 'client-registration';
}

/** A running sync: `accounts` found so far (final once `phase` is 'roles'), `listed` of them done. */
export interface SyncProgress { phase: 'accounts' | 'roles'; accounts: number; listed: number }

/** One role the person can assume, as the catalog knows it. */
export interface CatalogRole {
  session: string;
  accountId: string;
  accountName: string;
  roleName: string;
  /**
   * The role's real IAM ARN when known (a person presented it, see role-arn.ts), else null: the
   * portal API never gives the permission set's ARN suffix, and an invented ARN would mislead.
   */
  roleArn: string | null;
  /** Stable, readable name safe for ~/.aws/config and URL paths. */
  profile: string;
  /** True while this role comes from a last-known listing because the latest one failed. */
  stale: boolean;
  /** A chained profile from the AWS config (AssumeRole from `source`); `session` is the one at the chain's bottom. */
  chained?: boolean;
  /** A chained profile's `source_profile`, as written. */
  source?: string;
  /** A chained profile's region, when its section (or one below it) sets one. */
  region?: string;
  /** Set on the person's own profile name for this role (a `[profile]` of the AWS config): the agent's name of it. */
  aliasOf?: string;
}

/** `file`: the AWS config cannot be parsed as botocore parses it (line and fix); `sessions`: sections left out, with why. */
export interface ConfigProblems { file?: string; sessions: string[] }

/** Temporary role credentials from GetRoleCredentials. Memory only. */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds, as the portal API sends it. */
  expiration: number;
  accountId: string;
  /** As CatalogRole.roleArn: the real ARN or null. */
  roleArn: string | null;
}

export type LoginFlow = 'pkce' | 'device';

export interface LoginRequest {
  session?: string;
  startUrl?: string;
  region?: string;
  flow: LoginFlow;
  scopes?: string[];
  /** Log in again even when the session already holds a good token. */
  force?: boolean;
}

/** `login` on a session that already holds a good token, without `force`: nothing was started. */
export interface AlreadyLoggedIn {
  session: string;
  alreadyActive: true;
  /** ISO-8601 UTC. */
  tokenExpiresAt: string;
}

/** What `session remove` did. */
export interface SessionRemoved {
  session: string;
  /** Profiles (roles) that went with it. */
  removedProfiles: number;
}

/** What the person must do to finish a login. */
export interface LoginPrompt {
  session: string;
  flow: LoginFlow;
  /** authorize URL (PKCE) or verificationUriComplete (device). */
  url: string;
  userCode?: string;
  /** ISO-8601 UTC: when this login attempt gives up. */
  expiresAt: string;
  /** True when the request joined a login already in progress. */
  joined: boolean;
}

export interface SyncSummary {
  session: string;
  accounts: number;
  roles: number;
  added: number;
  removed: number;
  failedAccounts: number;
  durationMs: number;
}

/**
 * How the portal's Logout went: `signed-out`, `failed` (the local state is dropped anyway and the
 * server-side sign-in stays valid until it expires), or `not-needed` (no live token was held).
 */
export interface LogoutResult {
  session: string;
  portal: 'signed-out' | 'failed' | 'not-needed';
  /** The keychain did not confirm the deletion of the session's item (it is retried, and never restored). */
  keychainItemMayRemain?: boolean;
}

/** The OAuth redirect's query, as the browser brings it to /oauth/callback. */
export interface OAuthCallbackQuery {
  state?: string;
  code?: string;
  error?: string;
  error_description?: string;
}

/**
 * The agent core as the servers see it. `sso/agent.ts` implements it (wired in daemon.ts); `server/` and `cli/` depend only on
 * this interface, so route tests can use a small fake.
 */
export interface AgentCore {
  listSessions(): SessionStatus[];
  listProfiles(): CatalogRole[];
  /** Profile name, `ACCOUNT_ID:ROLE_NAME`, or role ARN. Throws ProfileNotFoundError. */
  resolveProfile(ref: string): CatalogRole;
  /** Cached credentials with more than the refresh window left; fetches (single flight) otherwise. */
  getCredentials(ref: string | CatalogRole): Promise<RoleCredentials>;
  /**
   * What `getCredentials(role)` would resolve to at once, without waiting: the cached credentials
   * while servable, else undefined (a fetch is needed, or an error is due). Lets the hot route
   * answer synchronously; anything else goes through `getCredentials`.
   */
  servableCredentials(role: CatalogRole): RoleCredentials | undefined;
  /** Set when the session `req` names is active and `req.force` is not: `login` then does nothing. */
  alreadyLoggedIn(req: LoginRequest): AlreadyLoggedIn | undefined;
  startLogin(req: LoginRequest): Promise<LoginPrompt>;
  /**
   * Resolves when the session holds a token and has synced; rejects with the login's failure.
   * When every waiter's `signal` aborts (the `login` command was interrupted), the login is cancelled.
   */
  waitLogin(session: string, signal?: AbortSignal): Promise<SyncSummary>;
  /** Finishes a PKCE login from the redirect; throws InvalidStateError for an unknown state. */
  completeOAuthCallback(query: OAuthCallbackQuery): Promise<{ session: string }>;
  /** Drops the session's token and credentials even when the portal's Logout call fails. */
  logout(session: string): Promise<LogoutResult>;
  sync(session?: string): Promise<SyncSummary[]>;
  /** Re-reads the sessions from the AWS config and the agent settings (SIGHUP). */
  reload(): Promise<void>;
  /**
   * Forgets a session added with `login --start-url` (token, credentials, profiles, settings entry).
   * One from ~/.aws/config is refused with SessionInConfigFileError until its section is deleted.
   */
  removeSession(session: string): Promise<SessionRemoved>;
  /** What is wrong with the AWS config as last read (a file botocore refuses, incomplete [sso-session] sections). */
  configProblems?(): ConfigProblems;
  close(): Promise<void>;
}

/** Where a grant's token is accepted: the container listener, or the one loopback listener of an `ssh` forward. */
export type GrantKind = 'container' | 'remote';

/** What `sso-agent grants` shows: no secret. */
export interface GrantInfo {
  id: string;
  kind: GrantKind;
  /** Canonical profile names (as `ls` shows them). */
  profiles: string[];
  /** ISO-8601 UTC. */
  createdAt: string;
  /** ISO-8601 UTC; absent: until the agent stops (or, for `ssh`, until the session ends). */
  expiresAt?: string;
  /** ISO-8601 UTC of the last request the grant answered. */
  lastUsedAt?: string;
  /** Free text the creator gave (the ssh destination, a container's name). */
  label?: string;
}
