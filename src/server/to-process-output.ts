import type { RoleCredentials } from '../core/types.js';

/** The credential_process JSON (protocol-detail §6.1). */
export interface ProcessOutput {
  /** The number 1: botocore, JS and Go all reject the string "1". */
  Version: 1;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  /** Without it SDKs treat the credentials as never expiring and never re-run the process. */
  Expiration: string;
  AccountId: string;
}

export function toProcessOutput(c: RoleCredentials): ProcessOutput {
  return {
    Version: 1,
    AccessKeyId: c.accessKeyId,
    SecretAccessKey: c.secretAccessKey,
    SessionToken: c.sessionToken,
    Expiration: new Date(c.expiration).toISOString(),
    AccountId: c.accountId,
  };
}
