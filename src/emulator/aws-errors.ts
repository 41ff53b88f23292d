import type { FastifyReply } from 'fastify';

/**
 * Errors exactly as the AWS services put them on the wire (see protocol-detail.md §1.2, §2.6, §3.6):
 * both the JS SDK and botocore find the exception name in the `x-amzn-errortype` header, so the
 * body carries only the service's own members.
 */

export type OidcErrorName =
  | 'AuthorizationPendingException'
  | 'SlowDownException'
  | 'ExpiredTokenException'
  | 'AccessDeniedException'
  | 'InvalidGrantException'
  | 'InvalidRequestException'
  | 'InvalidScopeException'
  | 'UnauthorizedClientException'
  | 'UnsupportedGrantTypeException'
  | 'InvalidClientMetadataException'
  | 'InvalidRedirectUriException'
  | 'InvalidClientException'
  | 'InternalServerException'
  | 'TooManyRequestsException'
  | 'ServiceUnavailableException';

const OIDC: Record<OidcErrorName, { status: number; error: string }> = {
  AuthorizationPendingException: { status: 400, error: 'authorization_pending' },
  SlowDownException: { status: 400, error: 'slow_down' },
  ExpiredTokenException: { status: 400, error: 'expired_token' },
  AccessDeniedException: { status: 400, error: 'access_denied' },
  InvalidGrantException: { status: 400, error: 'invalid_grant' },
  InvalidRequestException: { status: 400, error: 'invalid_request' },
  InvalidScopeException: { status: 400, error: 'invalid_scope' },
  UnauthorizedClientException: { status: 400, error: 'unauthorized_client' },
  UnsupportedGrantTypeException: { status: 400, error: 'unsupported_grant_type' },
  InvalidClientMetadataException: { status: 400, error: 'invalid_client_metadata' },
  InvalidRedirectUriException: { status: 400, error: 'invalid_redirect_uri' },
  InvalidClientException: { status: 401, error: 'invalid_client' },
  InternalServerException: { status: 500, error: 'server_error' },
  // Not in the OIDC model; what the AWS front end sends for throttling and outages.
  TooManyRequestsException: { status: 429, error: 'too_many_requests' },
  ServiceUnavailableException: { status: 503, error: 'temporarily_unavailable' },
};

const OIDC_NAMESPACE = 'http://internal.amazon.com/coral/com.amazonaws.sso.oidc/';

/** An error raised inside a handler and turned into the wire shape by the family's sender. */
export class WireError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export function oidcError(name: OidcErrorName, description: string): WireError {
  return new WireError(name, description, OIDC[name].status);
}

export function sendOidcError(reply: FastifyReply, name: string, description: string, status?: number): FastifyReply {
  const known = OIDC[name as OidcErrorName];
  return reply
    .code(status ?? known?.status ?? 400)
    .header('x-amzn-errortype', `${name}:${OIDC_NAMESPACE}`)
    .header('content-type', 'application/json')
    .send(JSON.stringify({ error: known?.error ?? 'invalid_request', error_description: description }));
}

export type PortalErrorName =
  | 'InvalidRequestException'
  | 'UnauthorizedException'
  | 'ResourceNotFoundException'
  | 'TooManyRequestsException'
  | 'ForbiddenException'
  | 'InternalServerException'
  | 'ServiceUnavailableException';

const PORTAL_STATUS: Record<PortalErrorName, number> = {
  InvalidRequestException: 400,
  UnauthorizedException: 401,
  ForbiddenException: 403,
  ResourceNotFoundException: 404,
  TooManyRequestsException: 429,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
};

export function portalError(name: PortalErrorName, message: string): WireError {
  return new WireError(name, message, PORTAL_STATUS[name]);
}

export function sendPortalError(reply: FastifyReply, name: string, message: string, status?: number): FastifyReply {
  return reply
    .code(status ?? PORTAL_STATUS[name as PortalErrorName] ?? 400)
    .header('x-amzn-errortype', name)
    .header('content-type', 'application/json')
    // The real portal also names the type in the body (quoted in public issue write-ups).
    .send(JSON.stringify({ message, __type: `com.amazonaws.switchboard.portal#${name}` }));
}

const STS_STATUS: Record<string, { status: number; type: 'Sender' | 'Receiver' }> = {
  InvalidClientTokenId: { status: 403, type: 'Sender' },
  SignatureDoesNotMatch: { status: 403, type: 'Sender' },
  MissingAuthenticationToken: { status: 403, type: 'Sender' },
  IncompleteSignature: { status: 400, type: 'Sender' },
  ExpiredToken: { status: 400, type: 'Sender' },
  InvalidAction: { status: 400, type: 'Sender' },
  // AssumeRole: the common errors AWS answers with (not in the STS model), as the API reference lists them.
  AccessDenied: { status: 403, type: 'Sender' },
  ValidationError: { status: 400, type: 'Sender' },
  MalformedPolicyDocument: { status: 400, type: 'Sender' },
  Throttling: { status: 400, type: 'Sender' },
  InternalFailure: { status: 500, type: 'Receiver' },
  ServiceUnavailable: { status: 503, type: 'Receiver' },
};

export function stsError(name: string, message: string, status?: number): WireError {
  return new WireError(name, message, status ?? STS_STATUS[name]?.status ?? 400);
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export function sendStsError(reply: FastifyReply, name: string, message: string, requestId: string, status?: number): FastifyReply {
  const known = STS_STATUS[name];
  const body =
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n' +
    '  <Error>\n' +
    `    <Type>${known?.type ?? ((status ?? 400) >= 500 ? 'Receiver' : 'Sender')}</Type>\n` +
    `    <Code>${xmlEscape(name)}</Code>\n` +
    `    <Message>${xmlEscape(message)}</Message>\n` +
    '  </Error>\n' +
    `  <RequestId>${requestId}</RequestId>\n` +
    '</ErrorResponse>\n';
  return reply
    .code(status ?? known?.status ?? 400)
    .header('content-type', 'text/xml')
    .send(body);
}

/** The error name and status each family uses for an injected failure of a given HTTP status. */
export function injectedErrorName(family: 'oidc' | 'portal' | 'sts', status: number): string {
  if (family === 'sts') {
    if (status === 429) return 'Throttling';
    if (status === 503) return 'ServiceUnavailable';
    if (status >= 500) return 'InternalFailure';
    if (status === 403) return 'InvalidClientTokenId';
    return 'InvalidAction';
  }
  if (status === 429) return 'TooManyRequestsException';
  if (status === 503) return 'ServiceUnavailableException';
  if (status >= 500) return 'InternalServerException';
  if (status === 401) return family === 'portal' ? 'UnauthorizedException' : 'InvalidClientException';
  if (status === 403) return family === 'portal' ? 'ForbiddenException' : 'AccessDeniedException';
  if (status === 404) return family === 'portal' ? 'ResourceNotFoundException' : 'InvalidRequestException';
  return 'InvalidRequestException';
}
