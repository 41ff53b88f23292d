import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { FastifyInstance } from 'fastify';
import { stsError } from './aws-errors.js';
import { callerIdentityXml } from './sts.js';
import { ids } from './ids.js';
import { runOperation } from './operation.js';
import type { EmulatorState, RoleCredentials } from './state.js';

/**
 * STS `GetCallerIdentity` as a query-presigned GET (`GET /?Action=GetCallerIdentity&…&X-Amz-Signature=…`),
 * the request an EKS token encodes. Checked in STS's order and words:
 * - the query-string auth parameters are all there (else `IncompleteSignature`), X-Amz-Expires a
 *   whole number of seconds from 1 to 604800 (SigV4's bound);
 * - the access key and X-Amz-Security-Token are ones this emulator issued (`InvalidClientTokenId`),
 *   not expired (`ExpiredToken`);
 * - the time: STS keeps a presigned URL good for 15 minutes from X-Amz-Date whatever X-Amz-Expires
 *   says (it honours neither 60 nor a week: aws-sdk-go #2167, aws-iam-authenticator #160, which is
 *   why EKS tokens signed with X-Amz-Expires=60 work for 15 minutes), and refuses one dated more
 *   than 15 minutes ahead: 403 `SignatureDoesNotMatch` "Signature expired: … (… - 15 min.)" /
 *   "Signature not yet current: … (… + 15 min.)", AWS's wording for a stale SigV4 request;
 * - `x-k8s-aws-id` among X-Amz-SignedHeaders: the emulator serves presigned GetCallerIdentity for
 *   EKS tokens, and a token whose cluster is not signed would be good for any cluster (`AccessDenied`);
 * - the signature, recomputed from the secret issued with the key (`SignatureDoesNotMatch`).
 */

export const CLUSTER_HEADER = 'x-k8s-aws-id';
const STS_WINDOW_MS = 15 * 60_000;
const MAX_EXPIRES_S = 604_800;
const AUTH_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature'] as const;
const CREDENTIAL_RE = /^([A-Z0-9]{16,128})\/(\d{8})\/([a-z0-9-]+)\/sts\/aws4_request$/;

/** 20260101T120000Z ↔ Date. */
function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}
function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

export interface PresignedRequest {
  /** Path and query as the request line carries them. */
  url: URL;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
}

/** The credentials that signed the request, or a WireError as STS answers. */
export async function checkPresigned(state: EmulatorState, req: PresignedRequest): Promise<RoleCredentials> {
  const q = req.url.searchParams;
  const action = q.get('Action');
  if (action !== 'GetCallerIdentity') {
    throw stsError('InvalidAction', `Could not find operation ${action ?? '(none)'} for version ${q.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
  }
  if (AUTH_PARAMS.every((p) => !q.has(p))) throw stsError('MissingAuthenticationToken', 'Request is missing Authentication Token');
  const missing = AUTH_PARAMS.filter((p) => !q.get(p));
  if (missing.length > 0 || q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
    throw stsError('IncompleteSignature', `AWS query-string parameters must include ${AUTH_PARAMS.map((p) => `'${p}'`).join(', ')} with X-Amz-Algorithm AWS4-HMAC-SHA256. Re-examine the query-string parameters.`);
  }
  const expiresText = q.get('X-Amz-Expires') ?? '';
  const expires = /^\d{1,7}$/.test(expiresText) ? Number(expiresText) : NaN;
  if (!(expires >= 1 && expires <= MAX_EXPIRES_S)) {
    throw stsError('IncompleteSignature', `X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_EXPIRES_S}, not '${expiresText}'`);
  }
  const credential = CREDENTIAL_RE.exec(q.get('X-Amz-Credential')!);
  const signedAt = parseAmzDate(q.get('X-Amz-Date')!);
  if (!credential || signedAt === undefined || credential[2] !== q.get('X-Amz-Date')!.slice(0, 8)) {
    throw stsError('IncompleteSignature', 'X-Amz-Credential must be KEY/yyyyMMdd/REGION/sts/aws4_request, dated as X-Amz-Date (yyyyMMddTHHmmssZ)');
  }
  const creds = state.credentials.get(credential[1]!);
  if (!creds || q.get('X-Amz-Security-Token') !== creds.sessionToken) {
    throw stsError('InvalidClientTokenId', 'The security token included in the request is invalid.');
  }
  const now = state.now();
  if (creds.expiresAt <= now) throw stsError('ExpiredToken', 'The security token included in the request is expired');
  if (signedAt + STS_WINDOW_MS < now) {
    throw stsError('SignatureDoesNotMatch', `Signature expired: ${amzDate(signedAt)} is now earlier than ${amzDate(now - STS_WINDOW_MS)} (${amzDate(now)} - 15 min.)`, 403);
  }
  if (signedAt - STS_WINDOW_MS > now) {
    throw stsError('SignatureDoesNotMatch', `Signature not yet current: ${amzDate(signedAt)} is still later than ${amzDate(now + STS_WINDOW_MS)} (${amzDate(now)} + 15 min.)`, 403);
  }
  const signedHeaders = q.get('X-Amz-SignedHeaders')!.split(';');
  if (!signedHeaders.includes(CLUSTER_HEADER)) {
    throw stsError('AccessDenied', `${CLUSTER_HEADER} is not among the signed headers (X-Amz-SignedHeaders=${signedHeaders.join(';')}): the URL would be good for any EKS cluster`, 403);
  }
  if (!(await signatureMatches(req, creds, credential[3]!, signedAt, expires, signedHeaders))) {
    throw stsError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      403,
    );
  }
  return creds;
}

async function signatureMatches(
  req: PresignedRequest, creds: RoleCredentials, region: string, signedAt: number, expires: number, signedHeaders: string[],
): Promise<boolean> {
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const v = req.headers[name];
    // A signed header the request does not carry cannot be in the canonical request: no match.
    if (v === undefined) return false;
    headers[name] = v;
  }
  // Every parameter but the signature and those the signer sets itself is part of what was signed.
  const query: Record<string, string> = {};
  for (const [k, v] of req.url.searchParams) if (!k.startsWith('X-Amz-')) query[k] = v;
  const signer = new SignatureV4({
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
    region,
    service: 'sts',
    sha256: Sha256,
    applyChecksum: false,
  });
  const expected = await signer.presign(
    { method: 'GET', protocol: 'http:', hostname: req.url.hostname, path: req.url.pathname, query, headers },
    { signingDate: new Date(signedAt), expiresIn: expires, signableHeaders: new Set(signedHeaders) },
  );
  const ours = Buffer.from(String((expected.query as Record<string, string>)['X-Amz-Signature'] ?? ''));
  const theirs = Buffer.from(req.url.searchParams.get('X-Amz-Signature') ?? '');
  return ours.length === theirs.length && timingSafeEqual(ours, theirs);
}

/** `GET /?Action=GetCallerIdentity…` answers like STS; any other GET / is the emulator's banner. */
export function registerPresignedSts(app: FastifyInstance, state: EmulatorState, banner: () => string): void {
  app.get('/', async (req, reply) => {
    const url = new URL(req.url, `http://${req.headers.host ?? '127.0.0.1'}`);
    if (!url.searchParams.has('Action')) return reply.header('content-type', 'text/plain; charset=utf-8').send(banner());
    return runOperation(state, 'sts', 'GetCallerIdentity', reply, async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
      const creds = await checkPresigned(state, { url, headers });
      return callerIdentityXml(creds, state.config.user, String(reply.getHeader('x-amzn-RequestId') ?? ids.requestId()));
    });
  });
}
