import t from 'tap';
import { authorizeUrl, codeChallenge, codeVerifier, oauthState } from '../../src/sso/pkce.js';
import { cryptoRandom } from '../../src/sso/clock.js';
import { authorizeBase } from '../../src/sso/clients.js';

const session = { name: 'work', startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1' };

t.test('PKCE: RFC 7636 test vector, verifier alphabet and length, state', async (t) => {
  t.equal(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  const r = cryptoRandom();
  const v = codeVerifier(r);
  t.match(v, /^[A-Za-z0-9\-._~]{64}$/);
  t.not(codeVerifier(r), v);
  t.match(oauthState(r), /^[A-Za-z0-9_-]{32}$/);
  const url = authorizeUrl({ base: 'https://oidc.eu-west-1.amazonaws.com', clientId: 'cid', redirectUri: 'http://127.0.0.1:8732/oauth/callback', state: 'st', scopes: ['sso:account:access', 'x'], challenge: 'ch' });
  t.equal(url, 'https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code&client_id=cid&redirect_uri=http%3A%2F%2F127.0.0.1%3A8732%2Foauth%2Fcallback&state=st&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess%20x&code_challenge=ch');
  t.equal(authorizeBase({ ...session, scopes: [], source: 'aws-config' }, {}), 'https://oidc.eu-west-1.amazonaws.com');
  t.equal(authorizeBase({ ...session, scopes: [], source: 'aws-config' }, { AWS_ENDPOINT_URL_SSO_OIDC: 'http://127.0.0.1:9/' }), 'http://127.0.0.1:9');
});
