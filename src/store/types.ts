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

export type SessionState =
  | 'logged-out'    // never logged in since the agent started
  | 'login-pending' // a login is waiting for the person at the browser
  | 'active'        // holds a token with more than 15 min left, or a refresh token
  | 'expiring'      // no refresh token and less than 15 min left
  | 'expired'       // the token ran out and cannot be refreshed
  | 'login-needed'; // refresh was rejected, or logout: a person must log in again

export interface SessionStatus {
  name: string;
  startUrl: string;
  region: string;
  state: SessionState;
  /** ISO-8601 UTC. */
  tokenExpiresAt?: string;
  refreshable: boolean;
  /** ISO-8601 UTC of the last finished sync. */
  lastSync?: string;
  lastSyncError?: string;
  accounts: number;
  roles: number;
  /** Accounts whose last listing failed; their roles are last-known. */
  staleAccounts: number;
  /** While a sync runs: how far it got (for progress on a terminal). */
  syncProgress?: SyncProgress;
}

/** A running sync: `accounts` found so far (final once `phase` is 'roles'), `listed` of them done. */
export interface SyncProgress { phase: 'accounts' | 'roles'; accounts: number; listed: number }

/** One role the person can assume, as the catalog knows it. */
export interface CatalogRole {
  session: string;
  accountId: string;
  accountName: string;
  roleName: string;
  roleArn: string;
  /** Stable, readable name safe for ~/.aws/config and URL paths. */
  profile: string;
  /** True while this role comes from a last-known listing because the latest one failed. */
  stale: boolean;
}

/** Temporary role credentials from GetRoleCredentials. Memory only. */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds, as the portal API sends it. */
  expiration: number;
  accountId: string;
  roleArn: string;
}

export type LoginFlow = 'pkce' | 'device';

export interface LoginRequest {
  session?: string;
  startUrl?: string;
  region?: string;
  flow: LoginFlow;
  scopes?: string[];
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

/** The OAuth redirect's query, as the browser brings it to /oauth/callback. */
export interface OAuthCallbackQuery {
  state?: string;
  code?: string;
  error?: string;
  error_description?: string;
}

/**
 * The agent core as the servers see it. `sso/agent.ts` implements it; `server/` depends only on
 * this interface, so route tests can use a small fake.
 */
export interface AgentCore {
  listSessions(): SessionStatus[];
  listProfiles(): CatalogRole[];
  /** Profile name, `ACCOUNT_ID:ROLE_NAME`, or role ARN. Throws ProfileNotFoundError. */
  resolveProfile(ref: string): CatalogRole;
  /** Cached credentials with more than the refresh window left; fetches (single flight) otherwise. */
  getCredentials(ref: string): Promise<RoleCredentials>;
  startLogin(req: LoginRequest): Promise<LoginPrompt>;
  /** Resolves when the session holds a token and has synced; rejects with the login's failure. */
  waitLogin(session: string): Promise<SyncSummary>;
  /** Finishes a PKCE login from the redirect; throws OAuthStateError for an unknown state. */
  completeOAuthCallback(query: OAuthCallbackQuery): Promise<{ session: string }>;
  logout(session: string): Promise<void>;
  sync(session?: string): Promise<SyncSummary[]>;
  close(): Promise<void>;
}
