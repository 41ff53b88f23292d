import { stripControls } from '../../strip-controls.js';
import type { AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import {
  AgentError, AssumeRoleDeniedError, AssumeRoleInvalidError, SourceCredentialsRejectedError, UpstreamError,
  UpstreamThrottledError, reloginHint,
} from '../../errors.js';
import type { RoleCredentials } from '../../store/types.js';
import { classifyError } from '../retry-policy.js';
import { parseRoleArn, type ChainedDefinition } from './load-chained-profiles.js';

/** What the checks and messages need to know about the profile being served. */
export interface AssumeContext {
  def: ChainedDefinition;
  /** The AWS config file the profile is in, for "fix … in FILE". */
  file: string;
  /** The SSO session at the bottom of the chain, for the re-login hint. */
  session: string;
  /** The ARN of the source role, for the trust-policy hint. */
  sourceArn: string;
}

/**
 * An AssumeRole answer the agent can hand out: all three keys and a future expiration. The
 * account comes from the assumed-role ARN STS returns (the request's ARN may carry a path).
 */
export function checkAssumeRole(out: AssumeRoleCommandOutput, ctx: AssumeContext, now: number): RoleCredentials {
  const c = out.Credentials;
  const expiration = c?.Expiration instanceof Date ? c.Expiration.getTime() : NaN;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !Number.isFinite(expiration) || expiration <= now) {
    throw new UpstreamError(`STS AssumeRole for chained profile ${ctx.def.name} returned no usable credentials; try again shortly`);
  }
  const assumed = /^arn:[^:]+:sts::(\d{12}):assumed-role\//.exec(out.AssumedRoleUser?.Arn ?? '');
  const accountId = assumed?.[1] ?? parseRoleArn(ctx.def.roleArn)?.accountId ?? '';
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration,
    accountId,
    roleArn: ctx.def.roleArn,
  };
}

interface SdkErrorLike { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: number } }

function parts(err: unknown): { name: string; message: string; status?: number } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkErrorLike;
  const status = e.$metadata?.httpStatusCode;
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: stripControls(typeof e.message === 'string' ? e.message.replace(/\s+/g, ' ').trim() : String(err)),
    ...(status !== undefined ? { status } : {}),
  };
}

/** True when STS says the signing credentials are no good (expired, revoked, unknown). */
export function isSourceRejected(err: unknown): boolean {
  const n = parts(err).name;
  return n === 'ExpiredToken' || n === 'ExpiredTokenException' || n === 'InvalidClientTokenId' || n === 'SignatureDoesNotMatch';
}

/** AssumeRole's failures as the agent's errors: AWS's own words, then the fix. */
export function mapAssumeRoleError(err: unknown, ctx: AssumeContext): AgentError {
  if (err instanceof AgentError) return err;
  const { name, message, status } = parts(err);
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
    return new UpstreamThrottledError(`${said}; STS is throttling, try again in a minute`, { cause: err });
  }
  return new UpstreamError(`${said}; STS could not be reached or failed, try again shortly (AWS_ENDPOINT_URL_STS points the agent at another endpoint)`, { cause: err });
}
