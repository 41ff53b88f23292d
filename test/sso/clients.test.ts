import t from 'tap';
import { authorizeBase, createClientFactory, oidcEndpoint, realClient, portalEndpoint } from '../../src/sso/clients.js';
import type { SessionConfig } from '../../src/core/types.js';

const session: SessionConfig = { name: 'work', startUrl: 'https://d-1.awsapps.com/start', region: 'eu-west-1', scopes: [], source: 'aws-config' };

t.test('endpoints: the session\'s own, then the SDK variables, then AWS', async (t) => {
  t.equal(oidcEndpoint({ ...session, oidcEndpoint: 'http://a' }, { AWS_ENDPOINT_URL_SSO_OIDC: 'http://b' }), 'http://a');
  t.equal(oidcEndpoint(session, { AWS_ENDPOINT_URL_SSO_OIDC: 'http://b', AWS_ENDPOINT_URL: 'http://c' }), 'http://b');
  t.equal(oidcEndpoint(session, { AWS_ENDPOINT_URL: 'http://c' }), 'http://c');
  t.equal(oidcEndpoint(session, {}), undefined);
  t.equal(portalEndpoint({ ...session, portalEndpoint: 'http://a' }, {}), 'http://a');
  t.equal(portalEndpoint(session, { AWS_ENDPOINT_URL_SSO: 'http://b' }), 'http://b');
  t.equal(portalEndpoint(session, { AWS_ENDPOINT_URL: 'http://c' }), 'http://c');
  t.equal(portalEndpoint(session, {}), undefined);
  t.equal(authorizeBase(session, {}), 'https://oidc.eu-west-1.amazonaws.com');
});

t.test('the client factory: region, endpoint, no SDK retries for sync', async (t) => {
  const withEnv = createClientFactory({ env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }, maxAttempts: 2 });
  const plain = createClientFactory({ env: {} });
  const clients = [withEnv.oidc(session), withEnv.portal(session), withEnv.portal(session, 'sync'), plain.oidc(session), plain.portal(session)];
  t.teardown(() => { for (const c of clients) c.destroy(); });
  t.equal(await (await realClient(clients[0]!)).config.region(), 'eu-west-1');
  t.equal(await (await realClient(clients[1]!)).config.maxAttempts(), 2);
  t.equal(await (await realClient(clients[2]!)).config.maxAttempts(), 1, 'sync retries by itself');
  t.equal(await (await realClient(clients[4]!)).config.maxAttempts(), 3);
  t.equal((await (await realClient(clients[1]!)).config.endpoint!()).hostname, '127.0.0.1');
});
