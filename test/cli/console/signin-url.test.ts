// The pure half of `sso-agent console`: endpoints per partition, console homes, SessionDuration
// rules, and the two URLs, on lists of accepted and refused inputs.
import t from 'tap';
import {
  checkDestination, consoleHome, federationEndpoint, loginUrl, sessionDuration, signinTokenUrl,
} from '../../../src/cli/console/signin-url.js';
import { refusalReason } from '../../../src/cli/console/federation.js';

t.test('the endpoint follows the partition of the region', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['us-east-1', 'https://signin.aws.amazon.com/federation', 'https://console.aws.amazon.com/console/home?region=us-east-1'],
    ['eu-west-1', 'https://signin.aws.amazon.com/federation', 'https://console.aws.amazon.com/console/home?region=eu-west-1'],
    ['us-gov-west-1', 'https://signin.amazonaws-us-gov.com/federation', 'https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1'],
    ['cn-north-1', 'https://signin.amazonaws.cn/federation', 'https://console.amazonaws.cn/console/home?region=cn-north-1'],
    ['cn-northwest-1', 'https://signin.amazonaws.cn/federation', 'https://console.amazonaws.cn/console/home?region=cn-northwest-1'],
  ];
  for (const [region, endpoint, home] of cases) {
    t.equal(federationEndpoint(region), endpoint, `${region}: ${endpoint}`);
    t.equal(consoleHome(region), home);
  }
  t.throws(() => federationEndpoint('us-iso-east-1'), { code: 'BadUsage', message: /partition aws-iso/ }, 'no public console in the isolated partitions');
  t.equal(federationEndpoint('cn-north-1', 'http://127.0.0.1:4000/federation'), 'http://127.0.0.1:4000/federation', 'SSO_AGENT_FEDERATION_URL wins over the partition');
  t.equal(federationEndpoint('us-east-1', ''), 'https://signin.aws.amazon.com/federation', 'an empty override is no override');
  for (const bad of ['not a url', 'ftp://example.com/federation', 'file:///etc/passwd']) {
    t.throws(() => federationEndpoint('us-east-1', bad), { code: 'BadUsage', message: /SSO_AGENT_FEDERATION_URL/ }, `override ${bad} refused`);
  }
});

t.test('SessionDuration: 15 min to 12 h for SSO role credentials, none for chained ones', async (t) => {
  t.equal(sessionDuration(undefined, false), undefined, 'not asked: not sent (the session lasts as long as the credentials)');
  t.equal(sessionDuration(undefined, true), undefined);
  t.equal(sessionDuration(900_000, false), 900);
  t.equal(sessionDuration(12 * 3_600_000, false), 43_200);
  t.equal(sessionDuration(3_600_000, false), 3600);
  for (const ms of [899_000, 60_000, 43_201_000, 24 * 3_600_000]) {
    t.throws(() => sessionDuration(ms, false), { code: 'BadUsage', message: /from 15m to 12h/ }, `${ms} ms refused`);
  }
  t.throws(() => sessionDuration(3_600_000, true), { code: 'BadUsage', message: /chained profile/ }, 'chained: any --duration is refused with the reason');
});

t.test('destinations must be absolute http(s) URLs', async (t) => {
  t.equal(checkDestination('https://console.aws.amazon.com/s3/home'), 'https://console.aws.amazon.com/s3/home');
  t.equal(checkDestination('http://127.0.0.1:8080/landing'), 'http://127.0.0.1:8080/landing');
  for (const bad of ['/s3/home', 's3', 'javascript:alert(1)', 'data:text/html,hi']) {
    t.throws(() => checkDestination(bad), { code: 'BadUsage', message: /--destination/ }, `${bad} refused`);
  }
});

t.test('the getSigninToken and login URLs carry what AWS documents, encoded', async (t) => {
  const creds = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'se/cr+et=', sessionToken: 'tok&en' };
  const token = new URL(signinTokenUrl('https://signin.aws.amazon.com/federation', creds, 3600));
  t.equal(token.origin + token.pathname, 'https://signin.aws.amazon.com/federation');
  t.equal(token.searchParams.get('Action'), 'getSigninToken');
  t.equal(token.searchParams.get('SessionDuration'), '3600');
  t.same(JSON.parse(token.searchParams.get('Session') ?? ''), { sessionId: 'ASIAEXAMPLE', sessionKey: 'se/cr+et=', sessionToken: 'tok&en' }, 'the Session document round-trips through the encoding');
  t.notOk(new URL(signinTokenUrl('https://signin.aws.amazon.com/federation', creds, undefined)).searchParams.has('SessionDuration'));

  const login = new URL(loginUrl({ endpoint: 'https://signin.aws.amazon.com/federation', signinToken: 'T0k-en_', destination: 'https://console.aws.amazon.com/console/home?region=eu-west-1', issuer: 'https://d-1234567890.awsapps.com/start' }));
  t.equal(login.searchParams.get('Action'), 'login');
  t.equal(login.searchParams.get('SigninToken'), 'T0k-en_');
  t.equal(login.searchParams.get('Destination'), 'https://console.aws.amazon.com/console/home?region=eu-west-1', 'the destination keeps its own query');
  t.equal(login.searchParams.get('Issuer'), 'https://d-1234567890.awsapps.com/start');
  t.notMatch(login.toString(), /se\/cr|ASIAEXAMPLE/, 'no credential in the login URL');
});

t.test('the reason of a refusal page is its message line', async (t) => {
  const tomcat = '<html><head><title>Error</title><style>h1{x}</style></head><body><h1>HTTP Status 400 - Invalid credentials parameter</h1><hr><p><b>type</b> Status report</p><p><b>message</b> <u>Invalid credentials parameter</u></p><p><b>description</b> <u>The request sent by the client was syntactically incorrect.</u></p></body></html>';
  t.equal(refusalReason(tomcat), 'Invalid credentials parameter');
  t.equal(refusalReason('Bad Request'), 'Bad Request');
  t.equal(refusalReason(''), '');
  t.ok(refusalReason('x'.repeat(1000)).length <= 301, 'cut short');
});

t.test('getSigninToken: an answer without a token is an upstream error that names the endpoint, never the keys', async (t) => {
  const { getSigninToken } = await import('../../../src/cli/console/federation.js');
  const creds = { accessKeyId: 'ASIAEXAMPLEKEY', secretAccessKey: 'very-secret', sessionToken: 'session-token' };
  const answering = (status: number, body: string): typeof fetch => async () => new Response(body, { status });
  t.equal(await getSigninToken('https://signin.aws.amazon.com/federation', creds, undefined, answering(200, '{"SigninToken":"abc"}')), 'abc');
  for (const body of ['{}', 'not json', '{"SigninToken":""}']) {
    await t.rejects(getSigninToken('https://signin.aws.amazon.com/federation', creds, undefined, answering(200, body)), { code: 'UpstreamError', message: /signin\.aws\.amazon\.com\/federation answered without a SigninToken/ }, body);
  }
  const err = await getSigninToken('https://signin.aws.amazon.com/federation', creds, 3600, answering(400, 'Bad Request')).catch((e: Error) => e);
  t.match(err, { code: 'FederationRefused', message: /refused the sign-in \(HTTP 400: Bad Request\)/ });
  t.notMatch(String((err as Error).message), /very-secret|session-token|ASIAEXAMPLEKEY/, 'no credential in the message');
});
