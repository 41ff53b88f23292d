/**
 * The `ExecCredential` kubectl reads from an exec plugin, in the bytes `aws eks get-token` prints
 * (awscli/customizations/eks/get_token.py: its JSON formatter's 4-space indent, then a blank line).
 * Pure: no clock, no I/O. The CLI prints what the agent rendered, and the shell client does too.
 */

export const API_VERSIONS = {
  v1: 'client.authentication.k8s.io/v1',
  v1beta1: 'client.authentication.k8s.io/v1beta1',
} as const;

export type ApiVersion = (typeof API_VERSIONS)[keyof typeof API_VERSIONS];

/** What `aws eks get-token` answers when nothing says otherwise. */
export const DEFAULT_API_VERSION: ApiVersion = API_VERSIONS.v1beta1;

/**
 * STS keeps a presigned URL good for 15 minutes; kubectl (client-go) asks again once
 * expirationTimestamp has passed, so it is set a minute earlier, as `aws eks get-token` does.
 */
export const TOKEN_LIFETIME_MS = 14 * 60_000;

/** `v1`, `v1beta1` or the full `client.authentication.k8s.io/…` name; undefined for anything else. */
export function parseApiVersion(text: string): ApiVersion | undefined {
  const short = text.replace(/^client\.authentication\.k8s\.io\//, '');
  return Object.hasOwn(API_VERSIONS, short) ? API_VERSIONS[short as keyof typeof API_VERSIONS] : undefined;
}

/**
 * The version to answer in: the flag's, else the one kubectl announces in KUBERNETES_EXEC_INFO
 * (it refuses an answer in another version than its kubeconfig names), else v1beta1. Like
 * `aws eks get-token`, a malformed or unknown KUBERNETES_EXEC_INFO falls back to v1beta1.
 */
export function chooseApiVersion(flag: ApiVersion | undefined, execInfo: string | undefined): ApiVersion {
  if (flag !== undefined) return flag;
  if (execInfo === undefined || execInfo === '') return DEFAULT_API_VERSION;
  try {
    const announced = (JSON.parse(execInfo) as { apiVersion?: unknown } | null)?.apiVersion;
    return (typeof announced === 'string' ? parseApiVersion(announced) : undefined) ?? DEFAULT_API_VERSION;
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

export interface ExecCredential {
  kind: 'ExecCredential';
  apiVersion: ApiVersion;
  spec: Record<string, never>;
  status: { expirationTimestamp: string; token: string };
}

export function execCredential(apiVersion: ApiVersion, expiration: string, token: string): ExecCredential {
  return { kind: 'ExecCredential', apiVersion, spec: {}, status: { expirationTimestamp: expiration, token } };
}

export function renderExecCredential(c: ExecCredential): string {
  return `${JSON.stringify(c, null, 4)}\n\n`;
}
