/**
 * The admin API on the unix socket, written once: the paths and the reply types that both the
 * server (src/server/admin-app.ts) and the CLI (src/cli/admin-client.ts and the commands) use, so
 * the two sides cannot drift. Types only and string builders: the CLI's fast path loads nothing else.
 */
import type {
  AlreadyLoggedIn, CatalogRole, LoginPrompt, LoginRequest, SessionRemoved, SessionStatus, SyncSummary,
} from './store/types.js';

import type { PersistStatus } from './sso/persist/session-vault.js';
import type { GrantInfo, GrantKind } from './store/grants.js';

export type { GrantInfo, GrantKind } from './store/grants.js';

export type { AlreadyLoggedIn } from './store/types.js';

/** A route with one `:profile` parameter: a builder for the CLI, the pattern for Fastify. */
function profileRoute(prefix: string): ((profile: string) => string) & { pattern: string } {
  return Object.assign((profile: string) => prefix + encodeURIComponent(profile), { pattern: `${prefix}:profile` });
}

export const ADMIN_ROUTES = {
  /** GET → StatusReply */
  status: '/v1/status',
  /** GET → ProfilesReply */
  profiles: '/v1/profiles',
  /** POST LoginRequest → LoginReply */
  login: '/v1/login',
  /** POST {session} → SyncSummary, when the login has finished and synced */
  loginWait: '/v1/login/wait',
  /** POST {session?, all?} → LogoutReply */
  logout: '/v1/logout',
  /** POST {session?} → SyncSummary[] */
  sync: '/v1/sync',
  /** POST {session} → SessionRemoveReply */
  sessionRemove: '/v1/session/remove',
  /** GET → EnvReply */
  env: profileRoute('/v1/env/'),
  /** GET → the credential_process JSON */
  process: profileRoute('/v1/process/'),
  /** GET `?profile=NAME` → the same bytes, for bin/sso-agent-credential-process.sh (curl percent-encodes the query) */
  credentialProcess: '/v1/credential-process',
  /** GET → ConsoleReply (src/server/to-console-reply.ts) */
  console: profileRoute('/v1/console/'),
  /** POST GrantRequest → GrantReply; GET → GrantInfo[] */
  grants: '/v1/grants',
  /** POST {id} → {revoked} */
  grantRevoke: '/v1/grants/revoke',
  /** POST {id}: long poll held by `sso-agent ssh`; the grant ends when this request's connection closes */
  grantHold: '/v1/grants/hold',
} as const;

/** Every path the server answers, as Fastify patterns (the 404/405 split reads it too). */
export const ADMIN_PATTERNS: readonly string[] = Object.values(ADMIN_ROUTES)
  .map((r) => (typeof r === 'string' ? r : r.pattern));

export interface AgentInfo {
  version: string;
  pid: number;
  port: number;
  socket: string;
  /** ISO-8601 UTC. */
  startedAt: string;
  /** Where sessions are kept (`serve --persist keychain`), and why the keychain is unavailable if it is. */
  persist?: PersistStatus;
  /** `serve --container-address`, and whether the address is there and served now. */
  containers?: { address: string; port: number; listening: boolean }[];
}

export interface StatusReply { agent: AgentInfo; sessions: SessionStatus[] }

export type ProfilesReply = CatalogRole[];

export type LoginReply = LoginPrompt | AlreadyLoggedIn;

export type LoginBody = LoginRequest;

export interface LoginWaitBody { session: string }

export interface LogoutBody { session?: string; all?: boolean }

/** `portalFailed`: sessions whose portal Logout failed (the server-side sign-in stays valid until it expires). */
export interface LogoutReply { loggedOut: string[]; portalFailed?: string[] }

export interface SyncBody { session?: string }

export type SyncReply = SyncSummary[];

export interface SessionRemoveBody { session: string }

export type SessionRemoveReply = SessionRemoved;

/** What `GET /v1/env/:profile` answers: everything `sso-agent env` prints. */
export interface EnvReply { profile: string; uri: string; token: string; tokenFile: string; /** The session's region (a chained profile's own, if set). */ region?: string }

/** What `POST /v1/grants` takes: the profiles to grant and where the grant's token will work. */
export interface GrantRequest {
  kind: GrantKind;
  profiles: string[];
  /** Container grants: lifetime in seconds (default: until the agent stops). */
  ttlSeconds?: number;
  label?: string;
  /** ssh grants: the remote end's loopback port, which the remote SDKs put in their Host header. */
  remotePort?: number;
}

/** A new grant: the token (shown once), and the credentials URI of each granted profile. */
export interface GrantReply {
  grant: GrantInfo;
  token: string;
  uris: Record<string, string>;
  /** The first profile's session region. */
  region?: string;
  /**
   * Container grants: the agent also serves the ECS endpoint (169.254.170.2:80), so the grant can
   * set AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, which SDKs that accept no other host use.
   */
  ecsEndpoint?: boolean;
  /** ssh grants: the agent's loopback port dedicated to this grant (the local end of `ssh -R`). */
  listenerPort?: number;
}
