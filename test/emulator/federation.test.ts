// The emulator's federation endpoint (/federation): getSigninToken with credentials it issued and
// with made-up ones, SessionDuration bounds, role-chained credentials, and login's redirect.
// URLs are built here by hand, not with the agent's code, so a shared misreading cannot hide.
import t, { type Test } from 'tap';
import { buildEmulator } from '../../src/emulator/index.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

interface Creds { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: number }

async function setup(t: Test) {
  const clock = { now: Date.UTC(2026, 10, 23, 9, 0, 0) };
  const app = buildEmulator({ now: () => clock.now, credentialsTtl: 3600 });
  t.teardown(() => app.close());
  const post = async (url: string, body: unknown) => JSON.parse((await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) })).body);
  const reg = await post('/client/register', { clientName: 'federation-test', clientType: 'public' });
  const org = JSON.parse((await app.inject({ method: 'GET', url: '/_emulator/org' })).body);
  const dev = await post('/device_authorization', { clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: org.startUrl });
  await post('/_emulator/approve', { userCode: dev.userCode });
  const tok = await post('/token', { clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT, deviceCode: dev.deviceCode });
  const account = org.accounts[0];
  const res = await app.inject({
    method: 'GET',
    url: `/federation/credentials?role_name=${account.roles[0]}&account_id=${account.accountId}`,
    headers: { 'x-amz-sso_bearer_token': tok.accessToken },
  });
  const creds = JSON.parse(res.body).roleCredentials as Creds;
  const signin = (session: unknown, extra = '') => app.inject({
    method: 'GET',
    url: `/federation?Action=getSigninToken${extra}&Session=${encodeURIComponent(typeof session === 'string' ? session : JSON.stringify(session))}`,
  });
  const login = (token: string, destination = 'https://console.aws.amazon.com/console/home?region=us-east-1') => app.inject({
    method: 'GET',
    url: `/federation?Action=login&Issuer=${encodeURIComponent('https://example.com/start')}&Destination=${encodeURIComponent(destination)}&SigninToken=${encodeURIComponent(token)}`,
  });
  const session = { sessionId: creds.accessKeyId, sessionKey: creds.secretAccessKey, sessionToken: creds.sessionToken };
  return { app, clock, creds, session, signin, login };
}

t.test('credentials the emulator issued get a sign-in token, and login redirects to the destination', async (t) => {
  const h = await setup(t);
  const res = await h.signin(h.session);
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /application\/json/);
  const body = JSON.parse(res.body);
  t.same(Object.keys(body), ['SigninToken'], 'the answer is {"SigninToken": …} and nothing else');
  t.match(body.SigninToken, /^[A-Za-z0-9_-]{200,}$/);

  const dest = 'https://console.aws.amazon.com/s3/home?region=eu-west-1#buckets';
  const redirect = await h.login(body.SigninToken, dest);
  t.equal(redirect.statusCode, 302);
  t.equal(redirect.headers.location, dest, 'the browser lands exactly on the Destination');

  const post = await h.app.inject({ method: 'POST', url: '/federation', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `Action=getSigninToken&SessionDuration=43200&Session=${encodeURIComponent(JSON.stringify(h.session))}` });
  t.equal(post.statusCode, 200, 'the form-encoded POST form works too, with the 12 h maximum');

  const stats = JSON.parse((await h.app.inject({ method: 'GET', url: '/_emulator/stats' })).body);
  t.equal(stats.calls.GetSigninToken, 2);
  t.equal(stats.calls.Login, 1);
});

t.test('made-up, garbled or expired credentials are refused as AWS refuses them', async (t) => {
  const h = await setup(t);
  const refusals: Array<[string, unknown]> = [
    ['made-up keys', { sessionId: 'ASIAQWERTYUIOPASDFGH', sessionKey: 'x'.repeat(40), sessionToken: 'IQoJb3JpZ2luX2VjEmadeup' }],
    ['the right key id with a wrong secret', { ...h.session, sessionKey: h.session.sessionKey.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) }],
    ['the right keys with another session token', { ...h.session, sessionToken: 'IQoJb3JpZ2luX2VjEother' }],
    ['a missing key', { sessionId: h.session.sessionId, sessionKey: h.session.sessionKey }],
    ['a Session that is not JSON', '{sessionId:'],
  ];
  for (const [what, session] of refusals) {
    const res = await h.signin(session);
    t.equal(res.statusCode, 400, `${what}: 400`);
    t.match(res.headers['content-type'], /text\/html/, `${what}: an HTML error report, not JSON`);
    t.match(res.body, /Invalid credentials parameter/, `${what}: AWS's reason`);
    t.notMatch(res.body, /SigninToken/);
  }
  const none = await h.app.inject({ method: 'GET', url: '/federation?Action=getSigninToken' });
  t.equal(none.statusCode, 400, 'no Session at all');

  h.clock.now = h.creds.expiration + 1;
  const expired = await h.signin(h.session);
  t.equal(expired.statusCode, 400, 'credentials past their expiration');
  t.match(expired.body, /Invalid credentials parameter/);
});

t.test('SessionDuration: 900..43200 s; none at all for role-chained credentials', async (t) => {
  const h = await setup(t);
  for (const d of ['899', '43201', '1h', '-900', '']) {
    const res = await h.signin(h.session, `&SessionDuration=${d}`);
    t.equal(res.statusCode, 400, `SessionDuration=${JSON.stringify(d)} is refused`);
    t.match(res.body, /Invalid SessionDuration parameter/);
  }
  t.equal((await h.signin(h.session, '&SessionDuration=900')).statusCode, 200, '15 min is the minimum');

  // The control route marks the credentials as AssumeRole would issue them from temporary ones.
  const chain = await h.app.inject({ method: 'POST', url: '/_emulator/chain', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ accessKeyId: h.creds.accessKeyId }) });
  t.equal(chain.statusCode, 200);
  const unknownKey = await h.app.inject({ method: 'POST', url: '/_emulator/chain', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ accessKeyId: 'ASIANOTISSUED' }) });
  t.equal(unknownKey.statusCode, 404, 'only issued credentials can be marked');
  const chained = await h.signin(h.session, '&SessionDuration=3600');
  t.equal(chained.statusCode, 400, 'role-chained credentials with any SessionDuration: refused');
  t.match(chained.body, /Invalid credentials parameter/);
  t.equal((await h.signin(h.session)).statusCode, 200, 'role-chained credentials without SessionDuration: a token');
});

t.test('login refuses unknown, expired and orphaned tokens and bad destinations', async (t) => {
  const h = await setup(t);
  const token = JSON.parse((await h.signin(h.session)).body).SigninToken as string;

  const unknown = await h.login('made-up-token');
  t.equal(unknown.statusCode, 400);
  t.match(unknown.body, /Invalid SigninToken parameter/);
  t.equal(unknown.headers.location, undefined, 'no redirect for an unknown token');

  for (const bad of ['not a url', 'javascript:alert(1)', '']) {
    const res = await h.login(token, bad);
    t.equal(res.statusCode, 400, `Destination ${JSON.stringify(bad)} is refused`);
    t.equal(res.headers.location, undefined);
  }

  h.clock.now += 15 * 60_000;
  const late = await h.login(token);
  t.equal(late.statusCode, 400, 'a sign-in token is good for 15 minutes');
  t.match(late.body, /Invalid SigninToken parameter/);

  h.clock.now -= 15 * 60_000;
  t.equal((await h.login(token)).statusCode, 302, 'within 15 minutes it still works');
  await h.app.inject({ method: 'POST', url: '/_emulator/expire', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ what: 'signinTokens' }) });
  t.equal((await h.login(token)).statusCode, 400, 'expired through the control route');

  const fresh = JSON.parse((await h.signin(h.session)).body).SigninToken as string;
  await h.app.inject({ method: 'POST', url: '/_emulator/expire', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ what: 'credentials' }) });
  t.equal((await h.login(fresh)).statusCode, 400, 'a token whose credentials expired opens no session');

  const action = await h.app.inject({ method: 'GET', url: '/federation?Action=nope' });
  t.equal(action.statusCode, 400);
  t.match(action.body, /Invalid Action parameter/);
});
