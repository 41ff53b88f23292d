import type { AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import { UpstreamError } from '../../errors.js';
import type { RoleCredentials } from '../../core/types.js';
import { parseRoleArn } from '../../core/aws-names.js';
import type { AssumeRoleRef } from '../aws-errors.js';
import type { ChainedDefinition } from './load-chained-profiles.js';

/** What the checks and messages need to know about the profile being served (aws-errors.ts names it in errors). */
export interface AssumeContext extends AssumeRoleRef {
  def: ChainedDefinition;
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
