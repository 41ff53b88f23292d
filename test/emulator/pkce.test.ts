// The PKCE (authorization code) round trip the AWS CLI uses since 2.22: register a port-less
// loopback redirect URI, open /authorize with an S256 challenge, follow the redirect to a real
// loopback callback server, redeem the code with the verifier through the real SDK client.
import t, { type Test } from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTokenCommand,
  InvalidGrantException,
  RegisterClientCommand,
  SSOOIDCClient,
  UnauthorizedClientException,
} from '@aws-sdk/client-sso-oidc';
import { ListAccountsCommand, SSOClient } from '@aws-sdk/client-sso';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { isAcceptableRedirectUri, isValidChallenge, isValidVerifier, redirectUriMatches, s256 } from '../../src/emulator/pkce.js';

interface Callback {
  url: string;
  next(): Promise<URLSearchParams>;
  close(): Promise<void>;
}

/** A loopback callback server, like the one the AWS CLI (or the agent) runs for the redirect. */
async function callbackServer(): Promise<Callback> {
  const waiting: ((q: URLSearchParams) => void)[] = [];
  const server: Server = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    res.end('ok');
    waiting.shift()?.(q);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/oauth/callback`,
    next: () => new Promise((r) => waiting.push(r)),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url'); // 64 chars of the allowed alphabet
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(em: RunningEmulator, p: Record<string, string | undefined>): string {
  // The parameters in the AWS CLI's order, `scopes` plural and space-separated.
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: p.clientId!,
    redirect_uri: p.redirectUri!,
    state: p.state ?? 'st-' + randomBytes(6).toString('hex'),
    code_challenge_method: p.method ?? 'S256',
    scopes: 'sso:account:access',
  });
  return `${em.url}/authorize?${q.toString()}${p.challenge === undefined ? '' : `&code_challenge=${p.challenge}`}`;
}

async function setup(t: Test, autoApprove: boolean) {
  const em = await startEmulator({ autoApprove });
  const oidc = new SSOOIDCClient({ region: em.region, endpoint: em.url, maxAttempts: 1 });
  const cb = await callbackServer();
  t.teardown(async () => {
    oidc.destroy();
    await cb.close();
    await em.close();
  });
  const reg = await oidc.send(
    new RegisterClientCommand({
      clientName: 'botocore-client-work',
      clientType: 'public',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['http://127.0.0.1/oauth/callback'],
      issuerUrl: em.startUrl,
      scopes: ['sso:account:access'],
    }),
  );
  const redeem = (code: string, verifier: string, redirectUri = cb.url) =>
    oidc.send(
      new CreateTokenCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: 'authorization_code',
        code,
        redirectUri,
        codeVerifier: verifier,
      }),
    );
  return { em, oidc, cb, reg, redeem };
}

async function rejectsWith(t: Test, p: Promise<unknown>, cls: new (...a: any[]) => Error, what: string): Promise<void> {
  try {
    await p;
    t.fail(`${what}: succeeded`);
  } catch (err) {
    t.ok(err instanceof cls, `${what}: ${cls.name}`, { got: (err as Error).name });
  }
}

t.test('auto-approve: authorize → redirect → callback → token; codes are single use', async (t) => {
  const { em, cb, reg, redeem } = await setup(t, true);
  const { verifier, challenge } = pkcePair();
  const got = cb.next();
  const res = await fetch(authorizeUrl(em, { clientId: reg.clientId!, redirectUri: cb.url, challenge, state: 'state-123' }));
  t.equal(res.status, 200, 'the redirect was followed to the callback server');
  const q = await got;
  t.equal(q.get('state'), 'state-123', 'state comes back unchanged');
  const code = q.get('code')!;
  t.ok(code, 'a code came back');

  const tok = await redeem(code, verifier);
  t.type(tok.accessToken, 'string');
  t.equal(tok.expiresIn, 3600);
  t.type(tok.refreshToken, 'string', 'sso:account:access gives a refresh token');
  const sso = new SSOClient({ region: em.region, endpoint: em.url, maxAttempts: 1 });
  t.teardown(() => sso.destroy());
  t.equal((await sso.send(new ListAccountsCommand({ accessToken: tok.accessToken }))).accountList?.length, 3, 'the token works on the portal');
  await rejectsWith(t, redeem(code, verifier), InvalidGrantException, 'reused code');
});

t.test('wrong verifier, wrong redirect URI, another client: InvalidGrantException', async (t) => {
  const { em, cb, reg, redeem, oidc } = await setup(t, true);
  const codeFor = async (challenge: string) => {
    const got = cb.next();
    await fetch(authorizeUrl(em, { clientId: reg.clientId!, redirectUri: cb.url, challenge }));
    return (await got).get('code')!;
  };
  const a = pkcePair();
  await rejectsWith(t, redeem(await codeFor(a.challenge), pkcePair().verifier), InvalidGrantException, 'wrong verifier');
  await rejectsWith(t, redeem(await codeFor(a.challenge), a.verifier, cb.url.replace('/oauth/callback', '/other')), InvalidGrantException, 'different redirect URI');
  await rejectsWith(t, redeem(await codeFor(a.challenge), a.verifier, cb.url.replace(/:\d+\//, ':1/')), InvalidGrantException, 'different port than at /authorize');
  const code = await codeFor(a.challenge);
  const other = await oidc.send(
    new RegisterClientCommand({ clientName: 'other', clientType: 'public', grantTypes: ['authorization_code'], redirectUris: ['http://127.0.0.1/oauth/callback'] }),
  );
  await rejectsWith(
    t,
    oidc.send(
      new CreateTokenCommand({ clientId: other.clientId, clientSecret: other.clientSecret, grantType: 'authorization_code', code, redirectUri: cb.url, codeVerifier: a.verifier }),
    ),
    InvalidGrantException,
    'code from another client',
  );
  // A client registered for authorization_code only may not refresh.
  await rejectsWith(
    t,
    oidc.send(new CreateTokenCommand({ clientId: other.clientId, clientSecret: other.clientSecret, grantType: 'refresh_token', refreshToken: 'x' })),
    UnauthorizedClientException,
    'refresh grant not registered',
  );
});

t.test('consent page: Allow redirects with a code, Deny with access_denied', async (t) => {
  const { em, cb, reg, redeem } = await setup(t, false);
  const { verifier, challenge } = pkcePair();
  const page = await fetch(authorizeUrl(em, { clientId: reg.clientId!, redirectUri: cb.url, challenge, state: 's1' }));
  t.equal(page.status, 200);
  t.match(page.headers.get('content-type'), /text\/html/);
  const html = await page.text();
  const requestId = /name="request" value="([^"]+)"/.exec(html)?.[1];
  t.ok(requestId, 'the page carries a plain form');
  t.match(html, /botocore-client-work/, 'the page names the client');

  const post = (decision: string, request = requestId!) =>
    fetch(`${em.url}/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request, decision }).toString(),
    });
  const allowed = await post('allow');
  t.equal(allowed.status, 302);
  const loc = new URL(allowed.headers.get('location')!);
  t.equal(`${loc.origin}${loc.pathname}`, cb.url);
  t.equal(loc.searchParams.get('state'), 's1');
  t.type((await redeem(loc.searchParams.get('code')!, verifier)).accessToken, 'string');
  t.equal((await post('allow')).status, 400, 'a request is answered once');

  const page2 = await (await fetch(authorizeUrl(em, { clientId: reg.clientId!, redirectUri: cb.url, challenge, state: 's2' }))).text();
  const denied = await post('deny', /name="request" value="([^"]+)"/.exec(page2)![1]);
  const dloc = new URL(denied.headers.get('location')!);
  t.equal(dloc.searchParams.get('error'), 'access_denied');
  t.equal(dloc.searchParams.get('state'), 's2');
  t.equal(dloc.searchParams.get('code'), null);
});

t.test('/authorize validation', async (t) => {
  const { em, cb, reg, oidc } = await setup(t, true);
  const { challenge } = pkcePair();
  const get = (url: string) => fetch(url, { redirect: 'manual' });

  const unknown = await get(authorizeUrl(em, { clientId: 'nope', redirectUri: cb.url, challenge }));
  t.equal(unknown.status, 400, 'unknown client: an error page, no redirect');
  const unregistered = await get(authorizeUrl(em, { clientId: reg.clientId!, redirectUri: cb.url.replace('/oauth/callback', '/evil'), challenge }));
  t.equal(unregistered.status, 400, 'unregistered path: no redirect');
  const otherHost = await get(authorizeUrl(em, { clientId: reg.clientId!, redirectUri: 'http://example.com/oauth/callback', challenge }));
  t.equal(otherHost.status, 400, 'non-loopback host: no redirect');
  const anyPort = await get(authorizeUrl(em, { clientId: reg.clientId!, redirectUri: 'http://127.0.0.1:5/oauth/callback', challenge }));
  t.equal(anyPort.status, 302, 'any loopback port matches a port-less registration');

  const deviceOnly = await oidc.send(
    new RegisterClientCommand({
      clientName: 'device-only',
      clientType: 'public',
      grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'],
      redirectUris: ['http://127.0.0.1/oauth/callback'],
    }),
  );
  const notCode = await get(authorizeUrl(em, { clientId: deviceOnly.clientId!, redirectUri: cb.url, challenge, state: 'su' }));
  t.equal(new URL(notCode.headers.get('location')!).searchParams.get('error'), 'unauthorized_client', 'a client not registered for authorization_code');

  for (const [what, p] of [
    ['no challenge', { challenge: undefined }],
    ['plain method', { method: 'plain' }],
    ['malformed challenge', { challenge: 'short' }],
  ] as const) {
    const res = await get(authorizeUrl(em, Object.assign({ clientId: reg.clientId!, redirectUri: cb.url, state: 'sx', challenge }, p)));
    t.equal(res.status, 302, `${what}: redirected with an error`);
    const loc = new URL(res.headers.get('location')!);
    t.equal(loc.searchParams.get('error'), 'invalid_request', what);
    t.equal(loc.searchParams.get('state'), 'sx');
  }
});

t.test('pages escape what clients registered', async (t) => {
  const em = await startEmulator();
  const oidc = new SSOOIDCClient({ region: em.region, endpoint: em.url, maxAttempts: 1 });
  t.teardown(async () => {
    oidc.destroy();
    await em.close();
  });
  const reg = await oidc.send(
    new RegisterClientCommand({
      clientName: '<script>alert(1)</script>',
      clientType: 'public',
      grantTypes: ['authorization_code'],
      redirectUris: ['http://127.0.0.1/oauth/callback'],
    }),
  );
  const html = await (await fetch(authorizeUrl(em, { clientId: reg.clientId!, redirectUri: 'http://127.0.0.1:9/oauth/callback', challenge: pkcePair().challenge }))).text();
  t.notMatch(html, '<script>');
  t.match(html, '&lt;script&gt;');
  const device = await (await fetch(`${em.url}/device?user_code=${encodeURIComponent('"><b>x')}`)).text();
  t.notMatch(device, '"><b>x');
});

t.test('s256 matches RFC 7636 appendix B', async (t) => {
  t.equal(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});

t.test('verifier and challenge syntax', async (t) => {
  for (const v of ['a'.repeat(43), 'A-._~'.repeat(20), 'x'.repeat(128)]) t.ok(isValidVerifier(v), `accepts ${v.slice(0, 12)}… (${v.length})`);
  for (const v of ['a'.repeat(42), 'x'.repeat(129), 'a'.repeat(42) + '+', 'a'.repeat(42) + '=', '']) t.notOk(isValidVerifier(v), `rejects ${JSON.stringify(v.slice(-3))} (${v.length})`);
  t.ok(isValidChallenge('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'));
  for (const c of ['E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM=', 'short', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM']) t.notOk(isValidChallenge(c), c);
});

t.test('redirect URIs acceptable at registration', async (t) => {
  for (const u of ['http://127.0.0.1/oauth/callback', 'http://127.0.0.1:8080/cb', 'http://localhost/cb', 'http://[::1]/cb', 'https://app.example.com/cb']) {
    t.ok(isAcceptableRedirectUri(u), u);
  }
  for (const u of ['http://example.com/cb', 'ftp://127.0.0.1/cb', 'not a url', 'http://127.0.0.1/cb#frag', 'javascript:alert(1)', 'http://127.0.0.2.evil.com/cb']) {
    t.notOk(isAcceptableRedirectUri(u), u);
  }
});

t.test('redirect URI matching: any port for loopback registrations, exact otherwise', async (t) => {
  const reg = 'http://127.0.0.1/oauth/callback';
  for (const u of ['http://127.0.0.1/oauth/callback', 'http://127.0.0.1:1/oauth/callback', 'http://127.0.0.1:65535/oauth/callback']) {
    t.ok(redirectUriMatches(reg, u), u);
  }
  for (const u of [
    'http://127.0.0.1:8080/oauth/callback/',
    'http://127.0.0.1:8080/oauth/other',
    'http://localhost:8080/oauth/callback',
    'https://127.0.0.1:8080/oauth/callback',
    'http://127.0.0.1:8080/oauth/callback?x=1',
    'http://127.0.0.1:8080/oauth/callback#x',
    'http://evil.com/oauth/callback',
    'garbage',
  ]) {
    t.notOk(redirectUriMatches(reg, u), u);
  }
  t.ok(redirectUriMatches('https://app.example.com/cb', 'https://app.example.com/cb'));
  t.notOk(redirectUriMatches('https://app.example.com/cb', 'https://app.example.com:444/cb'), 'no port freedom off loopback');
});
