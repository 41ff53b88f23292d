import type { FastifyInstance, FastifyReply } from 'fastify';
import { oidcError, type OidcErrorName } from './aws-errors.js';
import { ids } from './ids.js';
import { consentPage, devicePage, messagePage } from './pages.js';
import { isAcceptableRedirectUri, isValidChallenge, isValidVerifier, redirectUriMatches, s256 } from './pkce.js';
import { baseUrl, jsonObject, optString, optStringList, reqString, runOperation } from './operation.js';
import type { AuthCode, EmulatorState, Registration, SignInSession } from './state.js';

/** SSO OIDC: RegisterClient, StartDeviceAuthorization, CreateToken, and the browser pages. */

const GRANT_DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';
const GRANT_REFRESH = 'refresh_token';
const GRANT_CODE = 'authorization_code';
const KNOWN_GRANTS = new Set([GRANT_DEVICE, GRANT_REFRESH, GRANT_CODE]);
/** The scope that turns on refresh tokens and short access tokens (seed 003, AWS docs). */
export const ACCESS_SCOPE = 'sso:account:access';
// AWS issues client registrations for about 90 days.
const REGISTRATION_TTL_S = 90 * 24 * 3600;
const LEGACY_TOKEN_TTL_S = 8 * 3600;
const SCOPED_TOKEN_TTL_S = 3600;
const AUTH_CODE_TTL_MS = 5 * 60_000;

const invalid = (msg: string): Error => oidcError('InvalidRequestException', msg);
const fail = (name: OidcErrorName, msg: string): Error => oidcError(name, msg);

function sameStartUrl(a: string, b: string): boolean {
  const norm = (s: string): string => s.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

/** The registration behind clientId/clientSecret, or InvalidClientException (401) as AWS answers. */
function authenticate(state: EmulatorState, clientId: string, clientSecret: string): Registration {
  const reg = state.registrations.get(clientId);
  if (!reg || reg.clientSecret !== clientSecret) throw fail('InvalidClientException', 'Invalid client credentials');
  if (reg.expiresAt <= state.now()) throw fail('InvalidClientException', 'Client registration has expired');
  return reg;
}

/**
 * A registration that named its grant types may use only those (StartDeviceAuthorization and
 * CreateToken both model UnauthorizedClientException); one that named none, as the AWS CLI's
 * device-flow registration does, may use any.
 */
function requireGrant(reg: Registration, grant: string): void {
  if (reg.grantTypes.length > 0 && !reg.grantTypes.includes(grant)) {
    throw fail('UnauthorizedClientException', `Client is not registered for the ${grant} grant`);
  }
}

function issueTokens(state: EmulatorState, session: SignInSession): Record<string, unknown> {
  const scoped = session.scopes.includes(ACCESS_SCOPE);
  const ttl = state.config.tokenTtl ?? (scoped ? SCOPED_TOKEN_TTL_S : LEGACY_TOKEN_TTL_S);
  const accessToken = ids.accessToken();
  state.accessTokens.set(accessToken, {
    token: accessToken,
    sessionId: session.id,
    clientId: session.clientId,
    expiresAt: state.now() + ttl * 1000,
  });
  state.remember(accessToken);
  const out: Record<string, unknown> = { accessToken, tokenType: 'Bearer', expiresIn: ttl };
  if (scoped) {
    const refreshToken = ids.refreshToken();
    state.refreshTokens.set(refreshToken, {
      token: refreshToken,
      sessionId: session.id,
      clientId: session.clientId,
      expiresAt: session.endsAt,
      used: false,
    });
    state.remember(refreshToken);
    out.refreshToken = refreshToken;
  }
  return out;
}

function registerClient(state: EmulatorState, body: unknown, base: string): Record<string, unknown> {
  const o = jsonObject(body, invalid);
  const clientName = reqString(o, 'clientName', invalid);
  const clientType = reqString(o, 'clientType', invalid);
  if (clientType !== 'public') throw fail('InvalidClientMetadataException', `Unsupported clientType ${clientType}; only public clients are supported`);
  const scopes = optStringList(o, 'scopes', invalid) ?? [];
  for (const s of scopes) {
    if (!/^[A-Za-z0-9_.:\-]+$/.test(s)) throw fail('InvalidScopeException', `Invalid scope ${JSON.stringify(s)}`);
  }
  const grantTypes = optStringList(o, 'grantTypes', invalid) ?? [];
  for (const g of grantTypes) {
    if (!KNOWN_GRANTS.has(g)) throw fail('UnsupportedGrantTypeException', `Unsupported grant type ${JSON.stringify(g)}`);
  }
  const redirectUris = optStringList(o, 'redirectUris', invalid) ?? [];
  for (const u of redirectUris) {
    if (!isAcceptableRedirectUri(u)) throw fail('InvalidRedirectUriException', `Invalid redirect URI ${JSON.stringify(u)}`);
  }
  if (grantTypes.includes(GRANT_CODE) && redirectUris.length === 0) {
    throw fail('InvalidRedirectUriException', 'redirectUris is required for the authorization_code grant');
  }
  const issuerUrl = optString(o, 'issuerUrl', invalid);
  const now = state.now();
  const issuedAt = Math.floor(now / 1000);
  const reg: Registration = {
    clientId: ids.clientId(state.config.region),
    clientSecret: ids.clientSecret(),
    clientName,
    scopes,
    grantTypes,
    redirectUris,
    issuerUrl,
    issuedAt: issuedAt * 1000,
    expiresAt: (issuedAt + REGISTRATION_TTL_S) * 1000,
  };
  state.registrations.set(reg.clientId, reg);
  state.remember(reg.clientSecret);
  return {
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    clientIdIssuedAt: issuedAt,
    clientSecretExpiresAt: issuedAt + REGISTRATION_TTL_S,
    authorizationEndpoint: `${base}/authorize`,
    tokenEndpoint: `${base}/token`,
  };
}

function startDeviceAuthorization(state: EmulatorState, body: unknown, base: string): Record<string, unknown> {
  const o = jsonObject(body, invalid);
  const clientId = reqString(o, 'clientId', invalid);
  const clientSecret = reqString(o, 'clientSecret', invalid);
  const startUrl = reqString(o, 'startUrl', invalid);
  requireGrant(authenticate(state, clientId, clientSecret), GRANT_DEVICE);
  if (!sameStartUrl(startUrl, state.config.startUrl)) throw invalid(`Invalid start URL ${startUrl}`);
  const deviceCode = ids.deviceCode();
  let userCode = ids.userCode();
  while (state.userCodes.has(userCode)) userCode = ids.userCode();
  const { deviceExpiresIn, deviceInterval, autoApprove } = state.config;
  state.devices.set(deviceCode, {
    deviceCode,
    userCode,
    clientId,
    startUrl,
    expiresAt: state.now() + deviceExpiresIn * 1000,
    intervalMs: deviceInterval * 1000,
    status: autoApprove ? 'approved' : 'pending',
    lastPollAt: undefined,
  });
  state.userCodes.set(userCode, deviceCode);
  state.remember(deviceCode);
  return {
    deviceCode,
    userCode,
    verificationUri: `${base}/device`,
    verificationUriComplete: `${base}/device?user_code=${userCode}`,
    expiresIn: deviceExpiresIn,
    interval: deviceInterval,
  };
}

function deviceGrant(state: EmulatorState, reg: Registration, o: Record<string, unknown>): Record<string, unknown> {
  const deviceCode = reqString(o, 'deviceCode', invalid);
  const d = state.devices.get(deviceCode);
  if (!d || d.clientId !== reg.clientId) throw fail('InvalidGrantException', 'Invalid device code provided');
  if (d.status === 'redeemed') throw fail('InvalidGrantException', 'Device code has already been used');
  const now = state.now();
  if (d.expiresAt <= now) throw fail('ExpiredTokenException', 'Device code has expired');
  if (d.status === 'denied') throw fail('AccessDeniedException', 'Authorization was denied by the user');
  if (d.status === 'pending') {
    const tooFast = d.lastPollAt !== undefined && now - d.lastPollAt < d.intervalMs;
    d.lastPollAt = now;
    if (tooFast) throw fail('SlowDownException', 'Client is polling too quickly');
    throw fail('AuthorizationPendingException', 'Authorization is still pending');
  }
  d.status = 'redeemed';
  return issueTokens(state, state.startSession(reg.clientId, reg.scopes));
}

function refreshGrant(state: EmulatorState, reg: Registration, o: Record<string, unknown>): Record<string, unknown> {
  const token = reqString(o, 'refreshToken', invalid);
  const r = state.refreshTokens.get(token);
  if (!r || r.clientId !== reg.clientId) throw fail('InvalidGrantException', 'Invalid refresh token provided');
  if (r.used) throw fail('InvalidGrantException', 'Refresh token has already been used');
  const session = state.sessions.get(r.sessionId);
  if (!session || session.ended) throw fail('InvalidGrantException', 'Session has been logged out');
  if (r.expiresAt <= state.now() || session.endsAt <= state.now()) throw fail('InvalidGrantException', 'Refresh token has expired');
  // Rotation: the old refresh token stops working once a new one is issued.
  r.used = true;
  return issueTokens(state, session);
}

function codeGrant(state: EmulatorState, reg: Registration, o: Record<string, unknown>): Record<string, unknown> {
  const code = reqString(o, 'code', invalid);
  const redirectUri = reqString(o, 'redirectUri', invalid);
  const verifier = reqString(o, 'codeVerifier', invalid);
  const c: AuthCode | undefined = state.authCodes.get(code);
  if (!c || c.clientId !== reg.clientId) throw fail('InvalidGrantException', 'Invalid authorization code provided');
  if (c.used) throw fail('InvalidGrantException', 'Authorization code has already been used');
  // Any redemption attempt uses the code up (RFC 6749 §4.1.2: single use).
  c.used = true;
  if (c.expiresAt <= state.now()) throw fail('InvalidGrantException', 'Authorization code has expired');
  if (c.redirectUri !== redirectUri) throw fail('InvalidGrantException', 'redirectUri does not match the one used to authorize');
  if (!isValidVerifier(verifier) || s256(verifier) !== c.codeChallenge) {
    throw fail('InvalidGrantException', 'Code verifier does not match the code challenge');
  }
  return issueTokens(state, state.startSession(reg.clientId, reg.scopes));
}

function createToken(state: EmulatorState, body: unknown): Record<string, unknown> {
  const o = jsonObject(body, invalid);
  const clientId = reqString(o, 'clientId', invalid);
  const clientSecret = reqString(o, 'clientSecret', invalid);
  const grantType = reqString(o, 'grantType', invalid);
  const reg = authenticate(state, clientId, clientSecret);
  if (KNOWN_GRANTS.has(grantType)) requireGrant(reg, grantType);
  switch (grantType) {
    case GRANT_DEVICE:
      return deviceGrant(state, reg, o);
    case GRANT_REFRESH:
      return refreshGrant(state, reg, o);
    case GRANT_CODE:
      return codeGrant(state, reg, o);
    default:
      throw fail('UnsupportedGrantTypeException', `Unsupported grant type ${JSON.stringify(grantType)}`);
  }
}

/** Approve or deny a device authorization by its user code (the page and the control route). */
export function decideDevice(state: EmulatorState, userCode: string, allow: boolean): 'ok' | 'unknown' | 'expired' | 'already' {
  const deviceCode = state.userCodes.get(userCode.trim().toUpperCase());
  const d = deviceCode === undefined ? undefined : state.devices.get(deviceCode);
  if (!d) return 'unknown';
  if (d.expiresAt <= state.now()) return 'expired';
  if (d.status !== 'pending') return 'already';
  d.status = allow ? 'approved' : 'denied';
  return 'ok';
}

function issueCode(state: EmulatorState, clientId: string, redirectUri: string, codeChallenge: string): string {
  const code = ids.authCode();
  state.authCodes.set(code, { code, clientId, redirectUri, codeChallenge, expiresAt: state.now() + AUTH_CODE_TTL_MS, used: false });
  state.remember(code);
  return code;
}

function redirectWith(reply: FastifyReply, redirectUri: string, params: Record<string, string | undefined>): FastifyReply {
  const u = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return reply.code(302).header('location', u.toString()).send();
}

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').send(body);
}

function formFields(body: unknown): URLSearchParams {
  return new URLSearchParams(typeof body === 'string' ? body : '');
}

export function registerOidcRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.post('/client/register', (req, reply) =>
    runOperation(state, 'oidc', 'RegisterClient', reply, () => registerClient(state, req.body, baseUrl(req))),
  );
  app.post('/device_authorization', (req, reply) =>
    runOperation(state, 'oidc', 'StartDeviceAuthorization', reply, () => startDeviceAuthorization(state, req.body, baseUrl(req))),
  );
  app.post('/token', (req, reply) => runOperation(state, 'oidc', 'CreateToken', reply, () => createToken(state, req.body)));

  // Browser-facing PKCE endpoint (not in the API model). Errors we cannot safely redirect (unknown
  // client, unregistered redirect URI) are shown as a page, as OAuth 2.0 §4.1.2.1 requires.
  app.get('/authorize', async (req, reply) => {
    state.count('Authorize');
    const q = req.query as Record<string, string | undefined>;
    const clientId = q.client_id ?? '';
    const reg = state.registrations.get(clientId);
    if (!reg || reg.expiresAt <= state.now()) return html(reply, 400, messagePage('Invalid request', 'Unknown or expired client_id.'));
    const redirectUri = q.redirect_uri ?? '';
    if (!redirectUri || !reg.redirectUris.some((r) => redirectUriMatches(r, redirectUri))) {
      return html(reply, 400, messagePage('Invalid request', 'redirect_uri is not registered for this client.'));
    }
    const st = q.state;
    if (q.response_type !== 'code') {
      return redirectWith(reply, redirectUri, { error: 'unsupported_response_type', error_description: 'response_type must be code', state: st });
    }
    if (reg.grantTypes.length > 0 && !reg.grantTypes.includes(GRANT_CODE)) {
      return redirectWith(reply, redirectUri, {
        error: 'unauthorized_client',
        error_description: 'Client is not registered for the authorization_code grant',
        state: st,
      });
    }
    const challenge = q.code_challenge ?? '';
    if (q.code_challenge_method !== 'S256' || !isValidChallenge(challenge)) {
      return redirectWith(reply, redirectUri, {
        error: 'invalid_request',
        error_description: 'code_challenge with code_challenge_method=S256 is required',
        state: st,
      });
    }
    const scopes = (q.scopes ?? q.scope ?? '').split(/[\s+]+/).filter(Boolean);
    if (state.config.autoApprove) {
      return redirectWith(reply, redirectUri, { code: issueCode(state, clientId, redirectUri, challenge), state: st });
    }
    const id = ids.authorizeRequestId();
    state.pendingAuthorize.set(id, { id, clientId, redirectUri, state: st, codeChallenge: challenge, scopes });
    return html(reply, 200, consentPage(id, reg.clientName, scopes, state.config.startUrl));
  });

  app.post('/authorize', async (req, reply) => {
    const f = formFields(req.body);
    const pending = state.pendingAuthorize.get(f.get('request') ?? '');
    if (!pending) return html(reply, 400, messagePage('Invalid request', 'This sign-in request is unknown or already answered.'));
    state.pendingAuthorize.delete(pending.id);
    if (f.get('decision') !== 'allow') {
      return redirectWith(reply, pending.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied the request',
        state: pending.state,
      });
    }
    const code = issueCode(state, pending.clientId, pending.redirectUri, pending.codeChallenge);
    return redirectWith(reply, pending.redirectUri, { code, state: pending.state });
  });

  app.get('/device', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    return html(reply, 200, devicePage(q.user_code, state.config.startUrl));
  });

  app.post('/device', async (req, reply) => {
    const f = formFields(req.body);
    const allow = f.get('decision') !== 'deny';
    const result = decideDevice(state, f.get('user_code') ?? '', allow);
    const messages = {
      ok: allow ? 'Request approved. You can close this window and return to the terminal.' : 'Request denied.',
      unknown: 'That code is not valid. Check it and try again.',
      expired: 'That code has expired. Start the sign-in again.',
      already: 'That code has already been used.',
    };
    return html(reply, result === 'ok' ? 200 : 400, messagePage(result === 'ok' ? 'Done' : 'Cannot approve', messages[result]));
  });
}
