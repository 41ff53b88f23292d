import type { RoleCredentials } from '../core/types.js';

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

/** A reply ready to write: the JSON and the headers that go with it. */
export interface ContainerReply {
  /**
   * A Buffer, not a string: node:http sends a string body in the same write as the head, but must
   * encode it on every request, and measured that costs more than the second chunk a Buffer takes
   * (CPU per request, bare node:http servers side by side).
   */
  body: Buffer;
  /** For `writeHead`; exactly `application/json`, which Go requires to parse the body as JSON. */
  headers: Readonly<Record<string, string | number>>;
}

const replies = new WeakMap<RoleCredentials, ContainerReply>();

/**
 * The route's reply, serialised once per credential: the cache hands out the same object until it
 * renews it, so the reply lives exactly as long as the credentials it carries.
 */
export function containerCredentialsReply(c: RoleCredentials): ContainerReply {
  let reply = replies.get(c);
  if (reply === undefined) {
    const body = Buffer.from(JSON.stringify(toContainerCredentials(c)));
    reply = { body, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': body.length } };
    replies.set(c, reply);
  }
  return reply;
}

/** The reply's body alone (the Fastify route sets its own headers). */
export function containerCredentialsBody(c: RoleCredentials): Buffer {
  return containerCredentialsReply(c).body;
}
