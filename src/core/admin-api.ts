/**
 * The admin API on the unix socket, written once: the paths and the reply types that both the
 * server (src/server/admin-app.ts) and the CLI (src/cli/admin-client.ts and the commands) use, so
 * the two sides cannot drift. Types only and string builders: the CLI's fast path loads nothing else.
 */
import type {
  AlreadyLoggedIn, CatalogRole, ConfigProblems, LoginPrompt, LoginRequest, SessionRemoved, SessionStatus, SyncSummary,
} from './types.js';

import type { GrantInfo, GrantKind } from './types.js';

export type { GrantInfo, GrantKind } from './types.js';

export type { AlreadyLoggedIn } from './types.js';

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
  /** GET → ConsoleReply */
  console: profileRoute('/v1/console/'),
  /** GET `?profile=P&cluster=C[&region=R][&apiVersion=V][&EKS_TOKEN_ENV…]` → the ExecCredential bytes `sso-agent eks-token` prints */
  eksToken: '/v1/eks-token',
  /** POST → StopReply; the agent then shuts down as on SIGTERM (`sso-agent stop`) */
  stop: '/v1/stop',
  /** POST GrantRequest → GrantReply; GET → GrantInfo[] */
  grants: '/v1/grants',
  /** POST {id} → {revoked} */
  grantRevoke: '/v1/grants/revoke',
  /** POST {id}: long poll held by `sso-agent ssh`; the grant ends when this request's connection closes */
  grantHold: '/v1/grants/hold',
} as const;

/** The caller's environment variables `eks-token` sends along (the agent's environment is not the caller's). */
export const EKS_TOKEN_ENV = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL', 'KUBERNETES_EXEC_INFO'] as const;

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

export interface StatusReply { agent: AgentInfo; sessions: SessionStatus[]; /** Absent from older agents. */ configProblems?: ConfigProblems }

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

/** The agent that is stopping: `sso-agent stop` waits for this process to end. */
export interface StopReply { pid: number }

/** What `GET /v1/env/:profile` answers: everything `sso-agent env` prints. */
export interface EnvReply { profile: string; uri: string; token: string; tokenFile: string; /** The session's region (a chained profile's own, if set). */ region?: string }

/** How the sign-in is kept, as `status` shows it. */
export type PersistStatus =
  | { mode: 'memory' }
  | { mode: 'keychain'; state: 'ok' }
  | { mode: 'keychain'; state: 'unavailable'; reason: string };

/** What `GET /v1/console/:profile` answers: everything `sso-agent console` needs for the federation endpoint. */
export interface ConsoleReply {
  profile: string;
  accountId: string;
  /** null: the portal never gives the IAM role's ARN (see CatalogRole.roleArn). */
  roleArn: string | null;
  /** The SSO session's region: it picks the partition and the console's home region. */
  region?: string;
  /** The session's start URL: where the console sends the person when the session ends. */
  startUrl?: string;
  /** Role-chained credentials take no SessionDuration at the federation endpoint. */
  chained: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO-8601 UTC. */
  expiration: string;
}

/** The ExecCredential API versions kubectl reads from an exec plugin. */
export const EXEC_API_VERSIONS = {
  v1: 'client.authentication.k8s.io/v1',
  v1beta1: 'client.authentication.k8s.io/v1beta1',
} as const;

export type ExecApiVersion = (typeof EXEC_API_VERSIONS)[keyof typeof EXEC_API_VERSIONS];

/** `v1`, `v1beta1` or the full `client.authentication.k8s.io/…` name; undefined for anything else. */
export function parseExecApiVersion(text: string): ExecApiVersion | undefined {
  const short = text.replace(/^client\.authentication\.k8s\.io\//, '');
  return Object.hasOwn(EXEC_API_VERSIONS, short) ? EXEC_API_VERSIONS[short as keyof typeof EXEC_API_VERSIONS] : undefined;
}

/** What `GET /v1/eks-token` answers: the ExecCredential `sso-agent eks-token` prints. */
export interface ExecCredential {
  kind: 'ExecCredential';
  apiVersion: ExecApiVersion;
  spec: Record<string, never>;
  status: { expirationTimestamp: string; token: string };
}

/**
 * The bytes `aws eks get-token` prints (awscli/customizations/eks/get_token.py: its JSON
 * formatter's 4-space indent, then a blank line); the route sends them, the CLI prints them.
 */
export function renderExecCredential(c: ExecCredential): string {
  return `${JSON.stringify(c, null, 4)}\n\n`;
}

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
