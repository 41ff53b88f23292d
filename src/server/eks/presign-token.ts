import type { Sha256 as Sha256Type } from '@aws-crypto/sha256-js';
import type { SignatureV4 as SignatureV4Type } from '@smithy/signature-v4';
import { requireCjs } from '../../require-cjs.js';
import type { StsTarget } from './sts-endpoint.js';

/**
 * The EKS bearer token: a SigV4 query-presigned STS `GetCallerIdentity` GET with the cluster's
 * name in the signed header `x-k8s-aws-id`, base64url-encoded (no padding) behind `k8s-aws-v1.`
 * (aws-cli's awscli/customizations/eks/get_token.py, aws-iam-authenticator's pkg/token). The
 * signature is smithy's; this module only assembles the request and the URL.
 */

export const TOKEN_PREFIX = 'k8s-aws-v1.';
export const CLUSTER_HEADER = 'x-k8s-aws-id';
/**
 * What `aws eks get-token` asks for. STS itself keeps a presigned URL good for 15 minutes from
 * X-Amz-Date whatever this says, and EKS's authenticator requires the parameter (at most 15 min).
 */
export const URL_EXPIRES_S = 60;

export interface SigningCredentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

export interface PresignInput {
  credentials: SigningCredentials;
  /** The signing region (also the endpoint's, unless AWS_ENDPOINT_URL_STS moved it). */
  region: string;
  target: StsTarget;
  /** The cluster name (or an Outposts cluster id), signed as x-k8s-aws-id. */
  clusterId: string;
  signingDate: Date;
}

// Loaded at the first token: most agents never presign, and the daemon keeps what it loads.
let sdk: { SignatureV4: typeof SignatureV4Type; Sha256: typeof Sha256Type } | undefined;
function signerSdk(): NonNullable<typeof sdk> {
  return (sdk ??= {
    SignatureV4: (requireCjs('@smithy/signature-v4') as { SignatureV4: typeof SignatureV4Type }).SignatureV4,
    Sha256: (requireCjs('@aws-crypto/sha256-js') as { Sha256: typeof Sha256Type }).Sha256,
  });
}

/** RFC 3986 percent-encoding, as SigV4 and botocore's percent_encode write query values. */
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The parameters in the order botocore writes them (operation first, then the signing
 * parameters, the signature last), so the URL reads like `aws eks get-token`'s byte for byte.
 */
const QUERY_ORDER = [
  'Action', 'Version', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires',
  'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'X-Amz-Signature',
] as const;

export async function presignCallerIdentity(input: PresignInput): Promise<string> {
  const { SignatureV4, Sha256 } = signerSdk();
  const { target } = input;
  const signer = new SignatureV4({
    credentials: input.credentials,
    region: input.region,
    service: 'sts',
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port !== undefined ? { port: target.port } : {}),
      path: target.path,
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: target.host, [CLUSTER_HEADER]: input.clusterId },
    },
    { expiresIn: URL_EXPIRES_S, signingDate: input.signingDate },
  );
  const query = signed.query as Record<string, string>;
  const pairs = QUERY_ORDER.filter((k) => query[k] !== undefined).map((k) => `${k}=${encode(query[k]!)}`);
  if (Object.keys(query).length !== pairs.length) throw new Error('the presigned request has a query parameter the token does not expect');
  return `${target.protocol}//${target.host}${target.path}?${pairs.join('&')}`;
}

export function encodeToken(url: string): string {
  return TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}
