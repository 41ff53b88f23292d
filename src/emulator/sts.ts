import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { stsError, xmlEscape } from './aws-errors.js';
import { ids } from './ids.js';
import { assumeRole, callerArn, callerUserId } from './assume-role.js';
import { runOperation } from './operation.js';
import type { EmulatorState, RoleCredentials } from './state.js';

/**
 * STS GetCallerIdentity and AssumeRole (query protocol, POST /). Every request's SigV4 signature is recomputed
 * with the maintained signer from the secret this emulator issued, so credentials an agent
 * garbles (wrong secret, wrong token, expired) fail the way they would against AWS.
 */

const AUTH_RE = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

interface ParsedAuth {
  accessKeyId: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(header: string | undefined): ParsedAuth | undefined {
  if (!header) return undefined;
  const m = AUTH_RE.exec(header.trim());
  if (!m) return undefined;
  return { accessKeyId: m[1]!, region: m[3]!, service: m[4]!, signedHeaders: m[5]!.split(';'), signature: m[6]! };
}

/** 20260101T120000Z → Date. */
function parseAmzDate(s: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? '');
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

function headerValue(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

async function verifySignature(req: FastifyRequest, auth: ParsedAuth, creds: RoleCredentials, body: string): Promise<boolean> {
  const signedDate = parseAmzDate(headerValue(req, 'x-amz-date'));
  if (!signedDate) return false;
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const v = headerValue(req, name);
    if (v !== undefined) headers[name] = v;
  }
  const url = new URL(req.url, 'http://placeholder');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      // Only when the client signed it: the signer would otherwise add it to the canonical headers.
      ...(auth.signedHeaders.includes('x-amz-security-token') ? { sessionToken: headers['x-amz-security-token'] ?? '' } : {}),
    },
    region: auth.region,
    service: auth.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      query,
      headers,
      body: body === '' ? undefined : body,
    },
    { signingDate: signedDate, signableHeaders: new Set(auth.signedHeaders) },
  );
  const out = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ''));
  return out?.[1] === auth.signature;
}

export function callerIdentityXml(creds: RoleCredentials, user: string, requestId: string): string {
  const arn = callerArn(creds, user);
  return (
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n' +
    '  <GetCallerIdentityResult>\n' +
    `    <Arn>${xmlEscape(arn)}</Arn>\n` +
    `    <UserId>${xmlEscape(callerUserId(creds, user))}</UserId>\n` +
    `    <Account>${creds.accountId}</Account>\n` +
    '  </GetCallerIdentityResult>\n' +
    '  <ResponseMetadata>\n' +
    `    <RequestId>${requestId}</RequestId>\n` +
    '  </ResponseMetadata>\n' +
    '</GetCallerIdentityResponse>\n'
  );
}

export function registerStsRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.post('/', async (req, reply) => {
    const body = typeof req.body === 'string' ? req.body : '';
    const params = new URLSearchParams(body);
    const action = params.get('Action') ?? new URL(req.url, 'http://placeholder').searchParams.get('Action') ?? '';
    const known = action === 'GetCallerIdentity' || action === 'AssumeRole';
    const operation = known ? action : action || 'UnknownOperation';
    return runOperation(state, 'sts', operation, reply, async () => {
      if (!known) {
        throw stsError('InvalidAction', `Could not find operation ${action || '(none)'} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
      }
      const rawAuth = headerValue(req, 'authorization');
      if (!rawAuth) throw stsError('MissingAuthenticationToken', 'Request is missing Authentication Token');
      const auth = parseAuthorization(rawAuth);
      if (!auth) throw stsError('IncompleteSignature', 'Authorization header requires Credential, SignedHeaders and Signature parameters');
      const creds = state.credentials.get(auth.accessKeyId);
      const sentToken = headerValue(req, 'x-amz-security-token');
      if (!creds || sentToken !== creds.sessionToken) {
        throw stsError('InvalidClientTokenId', 'The security token included in the request is invalid.');
      }
      if (creds.expiresAt <= state.now()) throw stsError('ExpiredToken', 'The security token included in the request is expired');
      if (!(await verifySignature(req, auth, creds, body))) {
        throw stsError(
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
        );
      }
      const requestId = String(reply.getHeader('x-amzn-RequestId') ?? ids.requestId());
      if (action === 'AssumeRole') return assumeRole(state, creds, params, requestId);
      return callerIdentityXml(creds, state.config.user, requestId);
    });
  });
}
