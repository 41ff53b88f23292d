import t from 'tap';
import { invalidConfig, mapLoginError, mapPortalError } from '../../src/sso/aws-errors.js';

const sdkError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

const session = { name: 'work', startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1' };

t.test('AWS errors become the catalog\'s classes in one place', async (t) => {
  t.match(mapLoginError(sdkError('AccessDeniedException', 400), session), { code: 'LoginFailed', message: /denied/ });
  t.match(mapLoginError(sdkError('ExpiredTokenException', 400), session), { code: 'LoginFailed', message: /expired/ });
  t.match(mapLoginError(sdkError('InvalidGrantException', 400), session), { code: 'InvalidSsoConfiguration', message: /https:\/\/d-1234567890\.awsapps\.com\/start in region eu-west-1/ });
  t.match(mapLoginError(sdkError('InvalidRequestException', 400), session), { code: 'InvalidSsoConfiguration', message: /sso_region/ });
  // DNS and connection failures say what happened; only a malformed region blames sso_region.
  const offline = mapLoginError(Object.assign(new Error('getaddrinfo ENOTFOUND oidc.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND', hostname: 'oidc.eu-west-1.amazonaws.com' }), session);
  t.match(offline, { code: 'UpstreamUnreachable', message: /could not reach oidc\.eu-west-1\.amazonaws\.com \(DNS lookup failed\): check the network, DNS or proxy/ });
  t.notMatch(offline.message, /sso_region/);
  t.match(mapLoginError(Object.assign(new Error('getaddrinfo ENOTFOUND oidc.eu-wst1.amazonaws.com'), { code: 'ENOTFOUND' }), { ...session, region: 'eu-wst1' }), { code: 'InvalidSsoConfiguration', message: /"eu-wst1" is not an AWS region.*check sso_region/ });
  t.match(mapPortalError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), session, 'listing'), { code: 'UpstreamUnreachable', message: /^listing: could not reach .*\(connection refused\)/ });
  t.match(mapLoginError(sdkError('InternalServerException', 500), session), { code: 'UpstreamError' });
  t.match(mapPortalError(sdkError('UnauthorizedException', 401), session, 'x'), { code: 'LoginRequired', message: /sso-agent login --session work/ });
  t.match(mapPortalError(sdkError('ForbiddenException', 403), session, 'x'), { code: 'RoleNotAssigned' });
  t.match(mapPortalError(sdkError('TooManyRequestsException', 429), session, 'x'), { code: 'Throttled' });
  t.match(mapPortalError(sdkError('Whatever', 502), session, 'x'), { code: 'UpstreamError' });
  t.notMatch(invalidConfig(session, sdkError('InvalidGrantException', 400)).message, /\n|at .*\.js/, 'one line, no stack');
});
