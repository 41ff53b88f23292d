import {
  AgentError, InvalidSsoConfigError, LoginFailedError, LoginRequiredError, RoleNotAssignedError,
  UpstreamError, UpstreamThrottledError, reloginHint,
} from '../errors.js';
import { classifyError } from './retry-policy.js';

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
    return new UpstreamThrottledError(`IAM Identity Center is throttling ${what}; try again in a minute`, { cause: err });
  }
  return new UpstreamError(`IAM Identity Center failed ${what}: ${describe(err)}; try again shortly`, { cause: err });
}

/** True when the portal rejected the bearer token (expired, revoked, logged out). */
export function isTokenRejected(err: unknown): boolean {
  return awsErrorName(err) === 'UnauthorizedException' || statusOf(err) === 401;
}

export interface SessionRef { name: string; startUrl: string; region: string }

/** Portal API (ListAccounts, ListAccountRoles, GetRoleCredentials, Logout). */
export function mapPortalError(err: unknown, session: SessionRef, what: string): AgentError {
  if (err instanceof AgentError) return err;
  if (isTokenRejected(err)) return new LoginRequiredError(session.name, 'has an expired or revoked token');
  const name = awsErrorName(err);
  if (name === 'ForbiddenException' || name === 'ResourceNotFoundException' || statusOf(err) === 403) {
    return new RoleNotAssignedError(`${what}: IAM Identity Center says this role is not assigned to you (${describe(err)}); run \`sso-agent sync --session ${session.name}\` to refresh the list`, { cause: err });
  }
  return upstream(err, what);
}

/** The "Invalid Grants" FAQ case: a start URL and region that do not belong together. */
export function invalidConfig(session: SessionRef, err: unknown): InvalidSsoConfigError {
  return new InvalidSsoConfigError(
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
      return new InvalidSsoConfigError(`IAM Identity Center rejected the registration scopes of SSO session ${session.name}: check sso_registration_scopes (try sso:account:access)`, { cause: err });
  }
  if (isNetworkLookupFailure(err)) {
    return new InvalidSsoConfigError(`cannot reach IAM Identity Center in region ${session.region} for SSO session ${session.name}: check sso_region`, { cause: err });
  }
  return upstream(err, `the login for SSO session ${session.name}`);
}

/** CreateToken with a refresh token: which failures mean "a person must log in again". */
export function isRefreshRejected(err: unknown): boolean {
  const name = awsErrorName(err);
  return name === 'InvalidGrantException' || name === 'UnauthorizedClientException' || name === 'InvalidClientException' ||
    name === 'ExpiredTokenException' || name === 'AccessDeniedException' || name === 'InvalidRequestException';
}

function isNetworkLookupFailure(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return code === 'ENOTFOUND';
}
