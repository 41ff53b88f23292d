import type { FastifyInstance } from 'fastify';
import { callerArn, callerUserId } from './assume-role.js';
import { WireError } from './aws-errors.js';
import type { EmulatorState } from './state.js';
import { CLUSTER_HEADER, checkPresigned } from './sts-presigned.js';

/**
 * A stand-in for the EKS API server's token check (aws-iam-authenticator's webhook), for tests:
 * `POST /_emulator/eks/token-review?clusterId=NAME` with a Kubernetes `TokenReview` whose
 * `spec.token` is the bearer token kubectl sent. It checks the token as the authenticator's
 * pkg/token Verify does (prefix, base64url, that the URL is this emulator's own STS, the allowed
 * parameters, `x-k8s-aws-id` signed, X-Amz-Expires at most 15 minutes, X-Amz-Date not older
 * than 15 minutes), then makes STS's own check of the presigned GET with `x-k8s-aws-id: NAME`
 * (in process, counted as GetCallerIdentity): a token for another cluster fails its signature.
 * Answers the TokenReview with `status.authenticated` and the caller's ARN (200), or
 * `authenticated: false` and the reason (401). Not AWS; the token is never logged or echoed.
 */

const PREFIX = 'k8s-aws-v1.';
const MAX_TOKEN_BYTES = 4096;
const WINDOW_MS = 15 * 60_000;
const ALLOWED_PARAMS = new Set([
  'action', 'version', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires',
  'x-amz-security-token', 'x-amz-signature', 'x-amz-signedheaders',
]);

class Refused extends Error {}

function decodeUrl(token: string, ownHost: string): URL {
  if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) throw new Refused('token is too large');
  if (!token.startsWith(PREFIX)) throw new Refused(`token is missing expected "${PREFIX}" prefix`);
  const b64 = token.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]*$/.test(b64) || b64.length % 4 === 1) throw new Refused('token is not base64url without padding');
  let url: URL;
  try {
    url = new URL(Buffer.from(b64, 'base64url').toString('utf8'));
  } catch {
    throw new Refused('token does not hold a URL');
  }
  if (url.protocol !== 'http:' || url.host !== ownHost) throw new Refused(`unexpected hostname "${url.host}" in pre-signed URL (this emulator's STS is ${ownHost})`);
  if (url.pathname !== '/') throw new Refused(`unexpected path "${url.pathname}" in pre-signed URL`);
  return url;
}

function checkParams(url: URL, now: number): void {
  for (const key of url.searchParams.keys()) {
    if (!ALLOWED_PARAMS.has(key.toLowerCase())) throw new Refused(`non-whitelisted query parameter "${key}"`);
  }
  if (url.searchParams.get('Action') !== 'GetCallerIdentity') throw new Refused('unexpected action parameter in pre-signed URL');
  if (!(url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';').includes(CLUSTER_HEADER)) {
    throw new Refused(`client did not sign the ${CLUSTER_HEADER} header in the pre-signed URL`);
  }
  const expires = Number(url.searchParams.get('X-Amz-Expires') ?? 'NaN');
  if (!Number.isInteger(expires) || expires < 0 || expires > WINDOW_MS / 1000) {
    throw new Refused(`X-Amz-Expires parameter in pre-signed URL must be 0 to ${WINDOW_MS / 1000} seconds`);
  }
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(url.searchParams.get('X-Amz-Date') ?? '');
  if (!m) throw new Refused('error parsing X-Amz-Date parameter');
  if (now - Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) > WINDOW_MS) {
    throw new Refused('X-Amz-Date parameter is expired (15 minute expiration)');
  }
}

interface TokenReviewBody { apiVersion?: unknown; spec?: { token?: unknown } }

export function registerEksAuthenticator(app: FastifyInstance, state: EmulatorState): void {
  app.post<{ Querystring: { clusterId?: string } }>('/_emulator/eks/token-review', async (req, reply) => {
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as TokenReviewBody;
    const apiVersion = typeof body.apiVersion === 'string' ? body.apiVersion : 'authentication.k8s.io/v1';
    const review = (status: Record<string, unknown>) => ({ apiVersion, kind: 'TokenReview', status });
    const clusterId = req.query.clusterId;
    const token = body.spec?.token;
    if (typeof clusterId !== 'string' || clusterId === '' || typeof token !== 'string') {
      return reply.code(400).send({ message: 'POST /_emulator/eks/token-review?clusterId=NAME with a TokenReview {"spec": {"token": "k8s-aws-v1.…"}}' });
    }
    const ownHost = req.headers.host ?? '';
    try {
      const url = decodeUrl(token, ownHost);
      checkParams(url, state.now());
      state.count('GetCallerIdentity');
      const creds = await checkPresigned(state, { url, headers: { host: ownHost, [CLUSTER_HEADER]: clusterId } });
      const arn = callerArn(creds, state.config.user);
      return reply.send(review({
        authenticated: true,
        user: {
          username: arn,
          uid: `aws-iam-authenticator:${creds.accountId}:${callerUserId(creds, state.config.user).split(':')[0]}`,
          groups: [],
          extra: { arn: [arn], accountId: [creds.accountId], accessKeyId: [creds.accessKeyId] },
        },
      }));
    } catch (err) {
      if (err instanceof WireError) {
        return reply.code(401).send(review({ authenticated: false, error: `sts getCallerIdentity failed: error from AWS (expected 200, got ${err.status ?? 400}): ${err.name}: ${err.message}` }));
      }
      if (err instanceof Refused) return reply.code(401).send(review({ authenticated: false, error: err.message }));
      throw err;
    }
  });
}
