import type { AssumeRoleCommandOutput, STSClient } from '@aws-sdk/client-sts';
import { loadStsSdk } from '../clients.js';
import type { ChainedDefinition } from './load-chained-profiles.js';

/**
 * The one AWS call behind a chained profile: STS AssumeRole with the source role's credentials
 * (the client is built with them). Policy (when to call, what to do with failures) lives in
 * chained-roles.ts; the check of the answer in check-assume-role.ts.
 */
export async function assumeRole(client: STSClient, def: ChainedDefinition, sessionName: string): Promise<AssumeRoleCommandOutput> {
  return client.send(new (loadStsSdk()).AssumeRoleCommand({
    RoleArn: def.roleArn,
    RoleSessionName: sessionName,
    ...(def.externalId !== undefined ? { ExternalId: def.externalId } : {}),
    ...(def.durationSeconds !== undefined ? { DurationSeconds: def.durationSeconds } : {}),
  }));
}

/**
 * `role_session_name` if set; else one that says where the session came from and stays within
 * STS's limits (2–64 of `[\w+=,.@-]`). botocore uses `botocore-session-<epoch>`; the same idea.
 */
export function defaultSessionName(now: number): string {
  return `sso-agent-${Math.floor(now / 1000)}`;
}
