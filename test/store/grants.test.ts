import t from 'tap';
import { GrantStore } from '../../src/store/grants.js';

t.test('a grant lives until revoked, or until its ttl on the store\'s clock', async (t) => {
  let now = 1_000_000;
  const ended: string[] = [];
  const store = new GrantStore({ now: () => now, onEnd: (g) => ended.push(g.id) });
  const forever = store.create({ kind: 'container', profiles: ['a'] });
  const brief = store.create({ kind: 'container', profiles: ['b', 'c'], ttlMs: 60_000, label: 'job' });
  t.match(forever.token, /^[A-Za-z0-9_-]{43}$/);
  t.not(forever.token, brief.token);
  t.equal(store.find(forever.token)?.id, forever.grant.id);
  t.equal(store.find(brief.token)?.id, brief.grant.id);
  t.equal(store.find('x'.repeat(43)), undefined, 'an unknown token finds nothing');
  t.same(store.list().map((g) => g.id), [forever.grant.id, brief.grant.id]);
  t.match(store.list()[1], { profiles: ['b', 'c'], label: 'job', expiresAt: new Date(now + 60_000).toISOString() });
  t.notOk(JSON.stringify(store.list()).includes(brief.token), 'the list holds no token');

  now += 60_000;
  t.equal(store.find(brief.token), undefined, 'expired: its token finds nothing');
  t.same(ended, [brief.grant.id], 'and its end is told once');
  t.same(store.list().map((g) => g.id), [forever.grant.id]);

  const waited = store.whenEnded(forever.grant.id);
  t.equal(store.revoke(forever.grant.id), true);
  await waited;
  t.equal(store.revoke(forever.grant.id), false, 'a second revoke finds nothing');
  t.equal(store.find(forever.token), undefined);
});

t.test('an ssh grant waits for its hold; clear() ends everything', async (t) => {
  let now = 0;
  const store = new GrantStore({ now: () => now });
  const { grant, token } = store.create({ kind: 'remote', profiles: ['a'], ttlMs: 30_000 });
  store.setExpiry(grant.id, undefined);
  now += 3_600_000;
  t.equal(store.find(token)?.id, grant.id, 'held: no expiry any more');
  store.touch(grant);
  t.equal(store.list()[0]?.lastUsedAt, new Date(now).toISOString());
  store.clear();
  t.same(store.list(), []);
});
