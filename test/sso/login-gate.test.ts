import t from 'tap';
import { alreadyLoggedIn, findLoginSession } from '../../src/sso/login-gate.js';
import type { SessionConfig } from '../../src/core/types.js';

const cfg = (name: string, startUrl: string, region = 'eu-west-1'): { config: SessionConfig } =>
  ({ config: { name, startUrl, region, scopes: ['sso:account:access'], source: 'aws-config' } });

t.test('findLoginSession: by name, by start URL (and region), the only one; never guesses', async (t) => {
  const one = new Map([['work', cfg('work', 'https://d-1.awsapps.com/start')]]);
  const two = new Map([...one, ['home', cfg('home', 'https://d-2.awsapps.com/start', 'us-east-1')]]);
  t.equal(findLoginSession({ flow: 'device' }, one)?.config.name, 'work');
  t.equal(findLoginSession({ flow: 'device' }, two), undefined, 'several sessions and none named');
  t.equal(findLoginSession({ flow: 'device', session: 'home' }, two)?.config.name, 'home');
  t.equal(findLoginSession({ flow: 'device', session: 'nope' }, two), undefined);
  t.equal(findLoginSession({ flow: 'device', startUrl: 'https://d-2.awsapps.com/start/' }, two)?.config.name, 'home', 'trailing slash');
  t.equal(findLoginSession({ flow: 'device', startUrl: 'https://d-2.awsapps.com/start', region: 'eu-west-1' }, two), undefined, 'other region');
  t.equal(findLoginSession({ flow: 'device', startUrl: 'not a url' }, two), undefined, 'a bad URL is startLogin\'s to report');
});

t.test('alreadyLoggedIn: only an active session, no pending login, same scopes, not forced', async (t) => {
  const base = { session: 'work', state: 'active' as const, pending: false, scopes: ['sso:account:access'], tokenExpiresAt: Date.UTC(2026, 0, 1) };
  t.same(alreadyLoggedIn({ flow: 'device' }, base), { session: 'work', alreadyActive: true, tokenExpiresAt: '2026-01-01T00:00:00.000Z' });
  t.same(alreadyLoggedIn({ flow: 'device', scopes: ['sso:account:access'] }, base)?.alreadyActive, true, 'the same scopes');
  t.equal(alreadyLoggedIn({ flow: 'device', force: true }, base), undefined);
  t.equal(alreadyLoggedIn({ flow: 'device', scopes: ['openid'] }, base), undefined);
  t.equal(alreadyLoggedIn({ flow: 'device' }, { ...base, pending: true }), undefined, 'a pending login is joined instead');
  for (const state of ['expiring', 'refreshing', 'login-needed', 'not-logged-in', 'login-pending'] as const) {
    t.equal(alreadyLoggedIn({ flow: 'device' }, { ...base, state }), undefined, state);
  }
});
