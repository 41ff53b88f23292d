/**
 * The one error catalog. Every failure the agent can report is a class here with a stable
 * `code` (what HTTP replies, logs and tests read — never the message text); its HTTP status
 * and CLI exit code come from that code's row in ERROR_TABLE (a new class needs a row, the
 * catalog test checks it). Messages name the fix.
 */

export type ExitCode = 0 | 1 | 2;

interface ErrorRow { status: number; exit: ExitCode }

/**
 * The one table: error code → HTTP status (the single Fastify error handler) and CLI exit code
 * (the single exit mapper in src/cli/exit.ts). Classes below name a row; an error rebuilt from
 * `{Code, Message}` on the CLI side of the socket finds its exit code here by `Code`.
 */
export const ERROR_TABLE = {
  BadUsage: { status: 400, exit: 2 },
  InvalidInput: { status: 400, exit: 1 },
  MissingAuthorization: { status: 401, exit: 1 },
  AccessDenied: { status: 403, exit: 1 },
  ForbiddenRequest: { status: 403, exit: 1 },
  NotFound: { status: 404, exit: 1 },
  MethodNotAllowed: { status: 405, exit: 1 },
  PayloadTooLarge: { status: 413, exit: 1 },
  UriTooLong: { status: 414, exit: 1 },
  UnsupportedMediaType: { status: 415, exit: 1 },
  ProfileNotFound: { status: 404, exit: 1 },
  SessionNotFound: { status: 404, exit: 1 },
  // 409: the request is fine, the session's state is what's wrong; distinct from the 401/403 of a bad token.
  LoginRequired: { status: 409, exit: 1 },
  LoginFailed: { status: 400, exit: 1 },
  InvalidSsoConfiguration: { status: 400, exit: 1 },
  InvalidState: { status: 400, exit: 1 },
  RoleNotAssigned: { status: 403, exit: 1 },
  // 409: the session is real, but it lives in a file the agent does not write.
  SessionInConfigFile: { status: 409, exit: 1 },
  Throttled: { status: 503, exit: 1 },
  UpstreamError: { status: 502, exit: 1 },
  AgentNotRunning: { status: 503, exit: 1 },
  AgentAlreadyRunning: { status: 409, exit: 1 },
  ConfigFileError: { status: 400, exit: 1 },
  // 409: nothing wrong with the request; the agent has not listed any role yet.
  NoProfiles: { status: 409, exit: 1 },
  ServiceError: { status: 500, exit: 1 },
  InternalError: { status: 500, exit: 1 },
  // No answer from AWS at all (DNS, network, proxy): upstream trouble.
  UpstreamUnreachable: { status: 502, exit: 1 },
  // Duplicate Host headers and the like: RFC 9112 asks for a 400.
  BadRequest: { status: 400, exit: 1 },
  // The AWS federation endpoint (console sign-in) said no: upstream trouble from the agent's side.
  FederationRefused: { status: 502, exit: 1 },
  // Chained roles: a [profile] that can never work as written, and STS AssumeRole's refusals.
  ChainedProfileInvalid: { status: 400, exit: 1 },
  AssumeRoleDenied: { status: 403, exit: 1 },
  AssumeRoleInvalid: { status: 400, exit: 1 },
  // 409 like LoginRequired: the request is fine, the source session's state is what's wrong.
  SourceCredentialsRejected: { status: 409, exit: 1 },
  // The CLI's side of the admin socket: the agent's reply was not one it can read, or none came in time.
  BadReply: { status: 502, exit: 1 },
  Timeout: { status: 504, exit: 1 },
  // Grants (containers, ssh): a token that is not a grant for this listener, a profile the grant
  // does not name, an unknown grant id, an agent started without a container address.
  GrantRequired: { status: 403, exit: 1 },
  ProfileNotGranted: { status: 403, exit: 1 },
  GrantNotFound: { status: 404, exit: 1 },
  NoContainerAddress: { status: 409, exit: 1 },
  // Existing AWS setups: something the agent cannot override would sign instead of the requested
  // role; a user profile name that means two roles.
  CredentialsOverride: { status: 409, exit: 1 },
  AmbiguousProfile: { status: 409, exit: 1 },
  // The client found the agent's socket or its folder in another user's hands: it does not connect.
  UnsafeSocket: { status: 403, exit: 1 },
} as const satisfies Record<string, ErrorRow>;

export type ErrorCode = keyof typeof ERROR_TABLE;

/** A code from the wire that this build does not know (an older or newer agent) is a plain failure. */
const UNKNOWN_ROW: ErrorRow = { status: 500, exit: 1 };

export function errorRow(code: string): ErrorRow {
  return Object.hasOwn(ERROR_TABLE, code) ? ERROR_TABLE[code as ErrorCode] : UNKNOWN_ROW;
}

export abstract class AgentError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  get status(): number {
    return errorRow(this.code).status;
  }

  get exitCode(): ExitCode {
    return errorRow(this.code).exit;
  }
}

/** The fix for every dead end that needs a person at a browser; one place so wording never drifts. */
export function reloginHint(session: string): string {
  return `run \`sso-agent login --session ${session}\``;
}

// ---- usage and input --------------------------------------------------------------------------

export class BadUsageError extends AgentError {
  readonly code = 'BadUsage';
}

export class InvalidInputError extends AgentError {
  readonly code = 'InvalidInput';
}

// ---- the TCP credential route's guards ----------------------------------------------------------

export class MissingAuthorizationError extends AgentError {
  readonly code = 'MissingAuthorization';
  /** `grant`: the request came to a container or ssh listener, where only a grant's token works. */
  constructor(profile: string, listener: 'host' | 'grant' = 'host') {
    if (listener === 'grant') {
      super(`no Authorization header: set AWS_CONTAINER_AUTHORIZATION_TOKEN to a grant's token (on the host: \`sso-agent env ${profile} --container\`, or \`sso-agent ssh ${profile} -- HOST\`)`);
      return;
    }
    super(`no Authorization header: this client does not read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE; set AWS_CONTAINER_AUTHORIZATION_TOKEN with \`eval "$(sso-agent env ${profile})"\` (again after each agent restart)`);
  }
}

export class AccessDeniedError extends AgentError {
  readonly code = 'AccessDenied';
  constructor(profile: string) {
    super(`the authorization token is not valid for profile ${profile} (tokens change at every agent start): run \`eval "$(sso-agent env ${profile})"\` again`);
  }
}

export class ForbiddenRequestError extends AgentError {
  readonly code = 'ForbiddenRequest';
}

export class BadRequestError extends AgentError {
  readonly code = 'BadRequest';
}

export class NotFoundError extends AgentError {
  readonly code = 'NotFound';
}

export class MethodNotAllowedError extends AgentError {
  readonly code = 'MethodNotAllowed';
}

export class UriTooLongError extends AgentError {
  readonly code = 'UriTooLong';
}

export class PayloadTooLargeError extends AgentError {
  readonly code = 'PayloadTooLarge';
}

export class UnsupportedMediaTypeError extends AgentError {
  readonly code = 'UnsupportedMediaType';
}

// ---- sessions, profiles, login ----------------------------------------------------------------

export class ProfileNotFoundError extends AgentError {
  readonly code = 'ProfileNotFound';
  /** `why`: the person's own profile of that name exists but its role is not served (it names the fix). `near`: a close name. */
  constructor(profile: string, detail: { why?: string; near?: string } = {}) {
    super(detail.why
      ? `profile ${JSON.stringify(profile)} is not served: ${detail.why}`
      : `no profile named ${JSON.stringify(profile)}${detail.near ? ` (did you mean ${detail.near}?)` : ''}: list them with \`sso-agent ls\`, or run \`sso-agent sync\` if the role is new`);
  }
}

export class SessionNotFoundError extends AgentError {
  readonly code = 'SessionNotFound';
  /** `near`: a known session whose name is close (a typo). */
  constructor(session: string, near?: string) {
    super(near
      ? `no SSO session named ${JSON.stringify(session)} (did you mean ${near}?): \`sso-agent status\` lists them`
      : `no SSO session named ${JSON.stringify(session)}: add it with \`sso-agent login --session ${session} --start-url URL --region REGION\``);
  }
}

export class LoginRequiredError extends AgentError {
  readonly code = 'LoginRequired';
  constructor(readonly session: string, why = 'needs a login') {
    super(`SSO session ${session} ${why}: ${reloginHint(session)}`);
  }
}

export class LoginFailedError extends AgentError {
  readonly code = 'LoginFailed';
}

export class InvalidSsoConfigurationError extends AgentError {
  readonly code = 'InvalidSsoConfiguration';
}

export class InvalidStateError extends AgentError {
  readonly code = 'InvalidState';
}

export class RoleNotAssignedError extends AgentError {
  readonly code = 'RoleNotAssigned';
}

export class SessionInConfigFileError extends AgentError {
  readonly code = 'SessionInConfigFile';
  constructor(session: string, file: string) {
    super(`SSO session ${session} comes from [sso-session ${session}] in ${file}, which the agent never edits: delete that section (and the profiles that use it), then run \`sso-agent session remove ${session}\` again`);
  }
}

// ---- upstream (AWS) trouble ----------------------------------------------------------------------

export class ThrottledError extends AgentError {
  readonly code = 'Throttled';
}

export class UpstreamError extends AgentError {
  readonly code = 'UpstreamError';
}

/** The AWS federation endpoint (console sign-in) said no; the message carries its reason. */
export class FederationRefusedError extends AgentError {
  readonly code = 'FederationRefused';
}

/** No answer from AWS at all: DNS, the network or a proxy; nothing IAM Identity Center said. */
export class UpstreamUnreachableError extends AgentError {
  readonly code = 'UpstreamUnreachable';
}

// ---- the local process and its files ---------------------------------------------------------------

export class AgentNotRunningError extends AgentError {
  readonly code = 'AgentNotRunning';
  constructor(socket: string) {
    super(`the agent is not running (no answer on ${socket}): start it with \`sso-agent serve\`, or install it with \`sso-agent service install\``);
  }
}

export class AgentAlreadyRunningError extends AgentError {
  readonly code = 'AgentAlreadyRunning';
  constructor(socket: string) {
    super(`an agent is already running on ${socket}: stop it first, or pass --socket PATH for a second one`);
  }
}

/** The socket's folder or the socket itself is not the caller's own (another user may be posing as the agent). */
export class UnsafeSocketError extends AgentError {
  readonly code = 'UnsafeSocket';
  constructor(socket: string, why: string) {
    super(`refusing to use the agent socket ${socket}: ${why}, so another user may be posing as the agent. Remove that folder (as its owner or root) and start the agent again, or point XDG_RUNTIME_DIR or SSO_AGENT_SOCK at a folder only you can open (mode 0700)`);
  }
}

export class ConfigFileError extends AgentError {
  readonly code = 'ConfigFileError';
}

export class NoProfilesError extends AgentError {
  readonly code = 'NoProfiles';
  constructor() {
    super('the agent knows no roles yet, so nothing was changed: run `sso-agent login` (or `sso-agent sync`) first');
  }
}

export class ServiceError extends AgentError {
  readonly code = 'ServiceError';
}

export class InternalError extends AgentError {
  readonly code = 'InternalError';
}

// ---- chained roles (AssumeRole from an agent role) ------------------------------------------------

/** A chained `[profile]` that can never work as written (a source_profile loop, a bad value). */
export class ChainedProfileInvalidError extends AgentError {
  readonly code = 'ChainedProfileInvalid';
}

/** STS refused AssumeRole (AccessDenied): the role's trust policy, or the role does not exist. */
export class AssumeRoleDeniedError extends AgentError {
  readonly code = 'AssumeRoleDenied';
}

/** STS rejected the request's values (ValidationError): role_arn, role_session_name, duration_seconds… */
export class AssumeRoleInvalidError extends AgentError {
  readonly code = 'AssumeRoleInvalid';
}

/** STS rejected the source role's credentials (expired or revoked) even after fresh ones were fetched. */
export class SourceCredentialsRejectedError extends AgentError {
  readonly code = 'SourceCredentialsRejected';
}

// ---- the admin socket, from the CLI's side --------------------------------------------------------

/** The agent answered with something that is not its JSON (another program on the socket, a crash mid-reply). */
export class BadReplyError extends AgentError {
  readonly code = 'BadReply';
}

/** The agent took longer than the CLI waits. */
export class TimeoutError extends AgentError {
  readonly code = 'Timeout';
}

// ---- grants (containers, ssh) -------------------------------------------------------------------

export class GrantRequiredError extends AgentError {
  readonly code = 'GrantRequired';
}

export class ProfileNotGrantedError extends AgentError {
  readonly code = 'ProfileNotGranted';
  constructor(profile: string, grantId: string) {
    super(`grant ${grantId} does not cover profile ${profile}: grant it on the host with \`sso-agent env ${profile} --container\` (or name it in \`sso-agent ssh\`)`);
  }
}

export class GrantNotFoundError extends AgentError {
  readonly code = 'GrantNotFound';
  constructor(id: string) {
    super(`no grant ${id}: list them with \`sso-agent grants\``);
  }
}

export class NoContainerAddressError extends AgentError {
  readonly code = 'NoContainerAddress';
  constructor() {
    super('the agent has no container address: start it with `sso-agent serve --container-address 169.254.170.2` (or `sso-agent service install --container-address …`)');
  }
}

// ---- existing AWS setups ---------------------------------------------------------------------------

/** Something `env`/`exec` cannot take out of the SDKs' way would sign instead of the requested role. */
export class CredentialsOverrideError extends AgentError {
  readonly code = 'CredentialsOverride';
}

/** A name that is both one of the user's profiles and the agent's name of another role. */
export class AmbiguousProfileError extends AgentError {
  readonly code = 'AmbiguousProfile';
}

/** Every class above; the catalog test checks codes are unique and each has its ERROR_TABLE row. */
export const ERROR_CLASSES = [
  BadUsageError, InvalidInputError, MissingAuthorizationError, AccessDeniedError, ForbiddenRequestError,
  NotFoundError, MethodNotAllowedError, UriTooLongError, PayloadTooLargeError, UnsupportedMediaTypeError,
  ProfileNotFoundError, SessionNotFoundError, SessionInConfigFileError,
  LoginRequiredError, LoginFailedError, InvalidSsoConfigurationError, InvalidStateError, RoleNotAssignedError,
  ThrottledError, UpstreamError, AgentNotRunningError, AgentAlreadyRunningError,
  ConfigFileError, NoProfilesError, ServiceError, InternalError,
  FederationRefusedError,
  BadRequestError,
  // chained roles
  ChainedProfileInvalidError, AssumeRoleDeniedError, AssumeRoleInvalidError, SourceCredentialsRejectedError,
  UpstreamUnreachableError, BadReplyError, TimeoutError, UnsafeSocketError,
  // grants (containers, ssh); existing AWS setups
  GrantRequiredError, ProfileNotGrantedError, GrantNotFoundError, NoContainerAddressError, CredentialsOverrideError, AmbiguousProfileError,
] as const;

export function isAgentError(err: unknown): err is AgentError {
  return err instanceof AgentError;
}

/** The wire shape of an AgentError: what JS `fromHttp` reads (`Code`, `Message`) and what the CLI re-raises. */
export interface ErrorBody { Code: string; Message: string }

export function toErrorBody(err: AgentError): ErrorBody {
  return { Code: err.code, Message: err.message };
}

/**
 * The CLI gets errors from the agent as ErrorBody over the admin socket; this rebuilds an error the
 * exit mapper understands without the CLI needing to know every class: the exit code comes from
 * ERROR_TABLE by `Code`, the status is the one the agent sent.
 */
export class RemoteError extends AgentError {
  readonly code: string;
  readonly #status: number;
  constructor(body: ErrorBody, status: number) {
    super(body.Message);
    this.code = body.Code;
    this.#status = status;
  }

  override get status(): number {
    return this.#status;
  }
}

