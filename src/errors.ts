/**
 * The one error catalog. Every failure the agent can report is a class here with a stable
 * `code` (what HTTP replies, logs and tests read — never the message text), an HTTP status
 * (used by the single Fastify error handler) and a CLI exit code (used by the single CLI
 * exit mapper). Messages name the fix.
 */

export type ExitCode = 0 | 1 | 2;

export abstract class AgentError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  readonly exitCode: ExitCode = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The fix for every dead end that needs a person at a browser; one place so wording never drifts. */
export function reloginHint(session: string): string {
  return `run \`sso-agent login --session ${session}\``;
}

// ---- usage and input --------------------------------------------------------------------------

export class UsageError extends AgentError {
  readonly code = 'BadUsage';
  readonly status = 400;
  override readonly exitCode = 2;
}

export class InvalidInputError extends AgentError {
  readonly code = 'InvalidInput';
  readonly status = 400;
}

// ---- the TCP credential route's guards ----------------------------------------------------------

export class MissingAuthorizationError extends AgentError {
  readonly code = 'MissingAuthorization';
  readonly status = 401;
  constructor(profile: string) {
    super(`no Authorization header: set AWS_CONTAINER_AUTHORIZATION_TOKEN from \`sso-agent env ${profile}\``);
  }
}

export class AccessDeniedError extends AgentError {
  readonly code = 'AccessDenied';
  readonly status = 403;
  constructor(profile: string) {
    super(`the authorization token is not valid for profile ${profile}: refresh it with \`sso-agent env ${profile}\``);
  }
}

export class ForbiddenRequestError extends AgentError {
  readonly code = 'ForbiddenRequest';
  readonly status = 403;
}

export class RouteNotFoundError extends AgentError {
  readonly code = 'NotFound';
  readonly status = 404;
}

export class MethodNotAllowedError extends AgentError {
  readonly code = 'MethodNotAllowed';
  readonly status = 405;
}

export class UriTooLongError extends AgentError {
  readonly code = 'UriTooLong';
  readonly status = 414;
}

// ---- sessions, profiles, login ----------------------------------------------------------------

export class ProfileNotFoundError extends AgentError {
  readonly code = 'ProfileNotFound';
  readonly status = 404;
  constructor(profile: string) {
    super(`no profile named ${JSON.stringify(profile)}: list them with \`sso-agent ls\`, or run \`sso-agent sync\` if the role is new`);
  }
}

export class SessionNotFoundError extends AgentError {
  readonly code = 'SessionNotFound';
  readonly status = 404;
  constructor(session: string) {
    super(`no SSO session named ${JSON.stringify(session)}: add it with \`sso-agent login --session ${session} --start-url URL --region REGION\``);
  }
}

export class LoginRequiredError extends AgentError {
  readonly code = 'LoginRequired';
  // 409: the request is fine, the session's state is what's wrong; distinct from the 401/403 of a bad token.
  readonly status = 409;
  constructor(readonly session: string, why = 'is not logged in') {
    super(`SSO session ${session} ${why}: ${reloginHint(session)}`);
  }
}

export class LoginFailedError extends AgentError {
  readonly code = 'LoginFailed';
  readonly status = 400;
}

export class InvalidSsoConfigError extends AgentError {
  readonly code = 'InvalidSsoConfiguration';
  readonly status = 400;
}

export class OAuthStateError extends AgentError {
  readonly code = 'InvalidState';
  readonly status = 400;
}

export class RoleNotAssignedError extends AgentError {
  readonly code = 'RoleNotAssigned';
  readonly status = 403;
}

// ---- upstream (AWS) trouble ----------------------------------------------------------------------

export class UpstreamThrottledError extends AgentError {
  readonly code = 'Throttled';
  readonly status = 503;
}

export class UpstreamError extends AgentError {
  readonly code = 'UpstreamError';
  readonly status = 502;
}

/** No answer from AWS at all: DNS, the network or a proxy; nothing IAM Identity Center said. */
export class UpstreamUnreachableError extends AgentError {
  readonly code = 'UpstreamUnreachable';
  readonly status = 502;
}

// ---- the local process and its files ---------------------------------------------------------------

export class AgentNotRunningError extends AgentError {
  readonly code = 'AgentNotRunning';
  readonly status = 503;
  constructor(socket: string) {
    super(`the agent is not running (no answer on ${socket}): start it with \`sso-agent serve\`, or install it with \`sso-agent service install\``);
  }
}

export class AgentAlreadyRunningError extends AgentError {
  readonly code = 'AgentAlreadyRunning';
  readonly status = 409;
  constructor(socket: string) {
    super(`an agent is already running on ${socket}: stop it first, or pass --socket PATH for a second one`);
  }
}

export class ConfigFileError extends AgentError {
  readonly code = 'ConfigFileError';
  readonly status = 400;
}

export class NoProfilesError extends AgentError {
  readonly code = 'NoProfiles';
  // 409: nothing wrong with the request; the agent has not listed any role yet.
  readonly status = 409;
  constructor() {
    super('the agent knows no roles yet, so nothing was changed: run `sso-agent login` (or `sso-agent sync`) first');
  }
}

export class ServiceError extends AgentError {
  readonly code = 'ServiceError';
  readonly status = 500;
}

export class InternalError extends AgentError {
  readonly code = 'InternalError';
  readonly status = 500;
}

/** Every class above; the catalog test checks codes are unique and statuses/exits are sane. */
export const ERROR_CLASSES = [
  UsageError, InvalidInputError, MissingAuthorizationError, AccessDeniedError, ForbiddenRequestError,
  RouteNotFoundError, MethodNotAllowedError, UriTooLongError, ProfileNotFoundError, SessionNotFoundError,
  LoginRequiredError, LoginFailedError, InvalidSsoConfigError, OAuthStateError, RoleNotAssignedError,
  UpstreamThrottledError, UpstreamError, AgentNotRunningError, AgentAlreadyRunningError,
  ConfigFileError, NoProfilesError, ServiceError, InternalError,
  UpstreamUnreachableError,
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
 * exit mapper understands without the CLI needing to know every class.
 */
export class RemoteError extends AgentError {
  readonly status: number;
  readonly code: string;
  constructor(body: ErrorBody, status: number) {
    super(body.Message);
    this.code = body.Code;
    this.status = status;
  }
}
