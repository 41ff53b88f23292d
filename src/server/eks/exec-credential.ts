import { EXEC_API_VERSIONS, parseExecApiVersion, type ExecApiVersion, type ExecCredential } from '../../core/admin-api.js';

/**
 * What goes into the `ExecCredential` (its type and bytes are the admin API's, src/admin-api.ts):
 * the API version and the expiry. Pure: no clock, no I/O.
 */

/** What `aws eks get-token` answers when nothing says otherwise. */
export const DEFAULT_API_VERSION: ExecApiVersion = EXEC_API_VERSIONS.v1beta1;

/**
 * STS keeps a presigned URL good for 15 minutes; kubectl (client-go) asks again once
 * expirationTimestamp has passed, so it is set a minute earlier, as `aws eks get-token` does.
 */
export const TOKEN_LIFETIME_MS = 14 * 60_000;

/**
 * The version to answer in: the flag's, else the one kubectl announces in KUBERNETES_EXEC_INFO
 * (it refuses an answer in another version than its kubeconfig names), else v1beta1. Like
 * `aws eks get-token`, a malformed or unknown KUBERNETES_EXEC_INFO falls back to v1beta1.
 */
export function chooseApiVersion(flag: ExecApiVersion | undefined, execInfo: string | undefined): ExecApiVersion {
  if (flag !== undefined) return flag;
  if (execInfo === undefined || execInfo === '') return DEFAULT_API_VERSION;
  try {
    const announced = (JSON.parse(execInfo) as { apiVersion?: unknown } | null)?.apiVersion;
    return (typeof announced === 'string' ? parseExecApiVersion(announced) : undefined) ?? DEFAULT_API_VERSION;
  } catch {
    return DEFAULT_API_VERSION;
  }
}

/**
 * When kubectl should ask again: 14 minutes on, or when the credentials that signed the URL run
 * out, if sooner (STS refuses the token from then on). Whole seconds with `Z`, as get-token's
 * `%Y-%m-%dT%H:%M:%SZ` writes it.
 */
export function expirationTimestamp(nowMs: number, credentialsExpiryMs: number): string {
  const at = Math.min(nowMs + TOKEN_LIFETIME_MS, credentialsExpiryMs);
  return new Date(Math.floor(at / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

export function execCredential(apiVersion: ExecApiVersion, expiration: string, token: string): ExecCredential {
  return { kind: 'ExecCredential', apiVersion, spec: {}, status: { expirationTimestamp: expiration, token } };
}
