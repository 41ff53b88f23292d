import {
  AgentError, AssumeRoleDeniedError, AssumeRoleInvalidError, InvalidSsoConfigurationError, LoginFailedError, LoginRequiredError,
  RoleNotAssignedError, SourceCredentialsRejectedError, UpstreamError, ThrottledError, UpstreamUnreachableError,
  reloginHint,
} from '../errors.js';
import { routeOf } from './clients.js';
import { classifyError } from './retry-policy.js';
import { isRegion, parseRoleArn } from '../core/aws-names.js';
import { stripControls } from '../strip-controls.js';

/**
 * The one place AWS SDK exceptions become the agent's error classes. Callers say which operation
 * failed; everything else reads `err.code`.
 */

interface SdkErrorLike { name?: string; message?: string; $metadata?: { httpStatusCode?: number } }

export function awsErrorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const name = (err as SdkErrorLike).name;
  return typeof name === 'string' ? name : undefined;
}

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  return (err as SdkErrorLike).$metadata?.httpStatusCode;
}

function describe(err: unknown): string {
  const name = awsErrorName(err) ?? 'Error';
  const status = statusOf(err);
  return status ? `${name} (HTTP ${status})` : name;
}

/** Upstream trouble that is nobody's configuration mistake. */
function upstream(err: unknown, what: string): AgentError {
  if (classifyError(err) === 'throttle') {
    return new ThrottledError(`IAM Identity Center is throttling ${what}; try again in a minute`, { cause: err });
  }
  return new UpstreamError(`IAM Identity Center failed ${what}: ${describe(err)}; try again shortly`, { cause: err });
}

/** True when the portal rejected the bearer token (expired, revoked, logged out). */
export function isTokenRejected(err: unknown): boolean {
  return awsErrorName(err) === 'UnauthorizedException' || statusOf(err) === 401;
}

export interface SessionRef { name: string; startUrl: string; region: string }

/** Node's codes for "no answer": the request never reached IAM Identity Center. */
const UNREACHABLE_CODES: Record<string, string> = {
  ENOTFOUND: 'DNS lookup failed', EAI_AGAIN: 'DNS lookup failed', ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset', ETIMEDOUT: 'connection timed out', EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable', EPIPE: 'connection closed', ECONNABORTED: 'connection aborted',
};

/**
 * A failure before any AWS answer: DNS, the network, or the proxy (down, or refusing with its
 * own error page, which carries no AWS request id). Undefined for anything AWS said.
 */
export function unreachable(err: unknown, session: SessionRef, what: string): AgentError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const route = routeOf(err);
  const code = (err as { code?: unknown }).code;
  const host = route?.host ?? (err as { hostname?: string }).hostname ?? 'IAM Identity Center';
  const response = (err as { $response?: { statusCode?: number; headers?: Record<string, string> } }).$response;
  const fromProxy = route?.proxy !== undefined && response?.statusCode !== undefined && response.statusCode >= 400 &&
    !Object.keys(response.headers ?? {}).some((h) => h.toLowerCase() === 'x-amzn-requestid');
  const why = typeof code === 'string' ? UNREACHABLE_CODES[code] : (err as { name?: string }).name === 'TimeoutError' ? 'timed out' : undefined;
  if (!why && !fromProxy) return undefined;
  if (why === 'DNS lookup failed' && !isRegion(session.region)) {
    return new InvalidSsoConfigurationError(`${JSON.stringify(session.region)} is not an AWS region (SSO session ${session.name}): check sso_region, e.g. eu-west-1`, { cause: err });
  }
  if (route?.proxy) {
    const said = fromProxy ? `answered HTTP ${response?.statusCode}` : why;
    return new UpstreamUnreachableError(`${what}: could not reach ${host} through the proxy ${route.proxy} (${said}): check that the proxy runs and allows it, or HTTPS_PROXY/HTTP_PROXY/NO_PROXY`, { cause: err });
  }
  return new UpstreamUnreachableError(`${what}: could not reach ${host} (${why}): check the network, DNS or proxy settings (HTTPS_PROXY)`, { cause: err });
}

/** Portal API (ListAccounts, ListAccountRoles, GetRoleCredentials, Logout). */
export function mapPortalError(err: unknown, session: SessionRef, what: string): AgentError {
  if (err instanceof AgentError) return err;
  if (isTokenRejected(err)) return new LoginRequiredError(session.name, 'has an expired or revoked token');
  const name = awsErrorName(err);
  if (name === 'ForbiddenException' || name === 'ResourceNotFoundException' || statusOf(err) === 403) {
    return unreachable(err, session, what) ?? new RoleNotAssignedError(`${what}: IAM Identity Center says this role is not assigned to you (${describe(err)}); run \`sso-agent sync --session ${session.name}\` to refresh the list`, { cause: err });
  }
  return unreachable(err, session, what) ?? upstream(err, what);
}

/** The "Invalid Grants" FAQ case: a start URL and region that do not belong together. */
export function invalidConfig(session: SessionRef, err: unknown): InvalidSsoConfigurationError {
  return new InvalidSsoConfigurationError(
    `IAM Identity Center rejected the start URL ${session.startUrl} in region ${session.region} (${describe(err)}): ` +
    `check that sso_start_url is your portal URL and sso_region is the region where IAM Identity Center is set up`,
    { cause: err },
  );
}

/** OIDC during a login (RegisterClient, StartDeviceAuthorization, CreateToken with a device code or auth code). */
export function mapLoginError(err: unknown, session: SessionRef): AgentError {
  if (err instanceof AgentError) return err;
  const name = awsErrorName(err);
  switch (name) {
    case 'AccessDeniedException':
      return new LoginFailedError(`the login for SSO session ${session.name} was denied in the browser; ${reloginHint(session.name)} to try again`, { cause: err });
    case 'ExpiredTokenException':
      return new LoginFailedError(`the login for SSO session ${session.name} was not approved in time and expired; ${reloginHint(session.name)} to try again`, { cause: err });
    case 'InvalidGrantException':
    case 'InvalidRequestException':
    case 'UnauthorizedClientException':
    case 'InvalidClientMetadataException':
    case 'InvalidRedirectUriException':
      return invalidConfig(session, err);
    case 'InvalidClientException':
      return new LoginFailedError(`the agent's OIDC client for SSO session ${session.name} is no longer valid (it expired or was removed); ${reloginHint(session.name)} to register a new one`, { cause: err });
    case 'InvalidScopeException':
      return new InvalidSsoConfigurationError(`IAM Identity Center rejected the registration scopes of SSO session ${session.name}: check sso_registration_scopes (try sso:account:access)`, { cause: err });
  }
  const offline = unreachable(err, session, `the login for SSO session ${session.name}`);
  if (offline) return offline;
  return upstream(err, `the login for SSO session ${session.name}`);
}

/** CreateToken with a refresh token: which failures mean "a person must log in again". */
export function isRefreshRejected(err: unknown): boolean {
  const name = awsErrorName(err);
  return name === 'InvalidGrantException' || name === 'UnauthorizedClientException' || name === 'InvalidClientException' ||
    name === 'ExpiredTokenException' || name === 'AccessDeniedException' || name === 'InvalidRequestException';
}

/* STS (chained profiles). */

/** AWS's own words for a failure, on one line, without terminal controls (they reach logs and terminals). */
function messageOf(err: unknown): string {
  const m = typeof err === 'object' && err !== null ? (err as SdkErrorLike).message : undefined;
  return stripControls(typeof m === 'string' ? m.replace(/\s+/g, ' ').trim() : String(err));
}

/** What an AssumeRole error message names: the chained profile, its file, its SSO session and source role. */
export interface AssumeRoleRef {
  def: { name: string; roleArn: string };
  /** The AWS config file the profile is in, for "fix … in FILE". */
  file: string;
  /** The SSO session at the bottom of the chain, for the re-login hint. */
  session: string;
  /** The ARN of the source role, for the trust-policy hint. */
  sourceArn: string;
}

/** True when STS says the signing credentials are no good (expired, revoked, unknown). */
export function isSourceRejected(err: unknown): boolean {
  const n = awsErrorName(err);
  return n === 'ExpiredToken' || n === 'ExpiredTokenException' || n === 'InvalidClientTokenId' || n === 'SignatureDoesNotMatch';
}

/** AssumeRole's failures as the agent's errors: AWS's own words, then the fix. */
export function mapAssumeRoleError(err: unknown, ctx: AssumeRoleRef): AgentError {
  if (err instanceof AgentError) return err;
  const name = awsErrorName(err) ?? 'Error';
  const message = messageOf(err);
  const status = statusOf(err);
  const where = `[profile ${ctx.def.name}] in ${ctx.file}`;
  // AWS answers a mistyped ARN with AccessDenied; say what a role ARN looks like.
  const shape = parseRoleArn(ctx.def.roleArn) ? '' : ` (role_arn is not of the form arn:aws:iam::ACCOUNT_ID:role/NAME)`;
  const said = `STS AssumeRole of ${ctx.def.roleArn} for chained profile ${ctx.def.name} failed: ${name}: ${message}${shape}`;
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || (status === 403 && !isSourceRejected(err) && name !== 'RegionDisabledException')) {
    return new AssumeRoleDeniedError(`${said}; the role must exist and trust ${ctx.sourceArn} (its trust policy, and external_id if it asks for one): fix role_arn or source_profile of ${where}, or ask the role's owner`, { cause: err });
  }
  if (name === 'ValidationError' || name === 'MalformedPolicyDocument' || name === 'MalformedPolicyDocumentException') {
    return new AssumeRoleInvalidError(`${said}; fix role_arn, role_session_name, external_id or duration_seconds (900 to 3600 when chaining from a role) of ${where}`, { cause: err });
  }
  if (name === 'RegionDisabledException') {
    return new AssumeRoleInvalidError(`${said}; set region in ${where} to a region where STS is active for that account`, { cause: err });
  }
  if (isSourceRejected(err)) {
    return new SourceCredentialsRejectedError(`${said}; the source credentials from SSO session ${ctx.session} are no longer accepted: ${reloginHint(ctx.session)}, then try again`, { cause: err });
  }
  if (classifyError(err) === 'throttle') {
    return new ThrottledError(`${said}; STS is throttling, try again in a minute`, { cause: err });
  }
  return new UpstreamError(`${said}; STS could not be reached or failed, try again shortly (AWS_ENDPOINT_URL_STS points the agent at another endpoint)`, { cause: err });
}
