/**
 * The admin API on the unix socket, written once: the paths and the reply types that both the
 * server (src/server/admin-app.ts) and the CLI (src/cli/admin-client.ts and the commands) use, so
 * the two sides cannot drift. Types only and string builders: the CLI's fast path loads nothing else.
 */
import type {
  AlreadyLoggedIn, CatalogRole, LoginPrompt, LoginRequest, SessionRemoved, SessionStatus, SyncSummary,
} from './store/types.js';

import type { PersistStatus } from './sso/persist/session-vault.js';

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
}

export interface StatusReply { agent: AgentInfo; sessions: SessionStatus[] }

export type ProfilesReply = CatalogRole[];

export type LoginReply = LoginPrompt | AlreadyLoggedIn;

export type LoginBody = LoginRequest;

export interface LoginWaitBody { session: string }

export interface LogoutBody { session?: string; all?: boolean }

/** `portalFailed`: sessions whose portal Logout failed (the server-side sign-in stays valid until it expires). */
export interface LogoutReply {
  loggedOut: string[];
  portalFailed?: string[];
  /** Sessions whose keychain item the keychain did not confirm deleted (retried; never restored). */
  keychainMayRemain?: string[];
}

export interface SyncBody { session?: string }

export type SyncReply = SyncSummary[];

export interface SessionRemoveBody { session: string }

export type SessionRemoveReply = SessionRemoved;

/** What `GET /v1/env/:profile` answers: everything `sso-agent env` prints. */
export interface EnvReply { profile: string; uri: string; token: string; tokenFile: string; /** The session's region (a chained profile's own, if set). */ region?: string }
