import type { RoleCredentials } from '../store/types.js';

/** The container-credentials JSON every SDK reads (protocol-detail §5.1). */
export interface ContainerCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
  /** Always `toISOString()` (UTC with `Z`): JS `fromHttp` rejects `+00:00` and that aborts the whole default chain. */
  Expiration: string;
  AccountId: string;
  /** null: the portal never gives the IAM role's ARN (see CatalogRole.roleArn). SDKs do not read it. */
  RoleArn: string | null;
}

export function toContainerCredentials(c: RoleCredentials): ContainerCredentials {
  return {
    AccessKeyId: c.accessKeyId,
    SecretAccessKey: c.secretAccessKey,
    Token: c.sessionToken,
    Expiration: new Date(c.expiration).toISOString(),
    AccountId: c.accountId,
    RoleArn: c.roleArn,
  };
}

const bodies = new WeakMap<RoleCredentials, Buffer>();

/**
 * The route's reply body, serialised once per credential: the cache hands out the same object
 * until it renews it, so the Buffer lives exactly as long as the credentials it carries.
 */
export function containerCredentialsBody(c: RoleCredentials): Buffer {
  let body = bodies.get(c);
  if (body === undefined) {
    body = Buffer.from(JSON.stringify(toContainerCredentials(c)));
    bodies.set(c, body);
  }
  return body;
}
