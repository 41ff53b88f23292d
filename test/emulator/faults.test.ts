import t from 'tap';
import { Faults } from '../../src/emulator/faults.js';

t.test('Faults: scripted failures, token bucket, random failures', async (t) => {
  let now = 0;
  let rnd = 0.5;
  const f = new Faults({ rateLimit: 3 }, () => now, () => rnd);
  const opts = { rateLimited: true, randomFailures: true };
  t.same([1, 2, 3, 4].map(() => f.decide('ListAccounts', opts).kind), ['ok', 'ok', 'ok', 'fail']);
  now += 1000;
  t.same([1, 2, 3, 4].map(() => f.decide('ListAccounts', opts).kind), ['ok', 'ok', 'ok', 'fail'], 'refilled after a second');
  t.same(f.decide('CreateToken', { rateLimited: false, randomFailures: true }), { kind: 'ok' }, 'not rate limited when the family is not');

  f.update({ rateLimit: 0, failNext: { GetRoleCredentials: { count: 2, status: 500 } } });
  t.same(f.decide('GetRoleCredentials', opts), { kind: 'fail', status: 500, reason: 'failNext' });
  t.same(f.decide('GetRoleCredentials', opts), { kind: 'fail', status: 500, reason: 'failNext' });
  t.same(f.decide('GetRoleCredentials', opts), { kind: 'ok' });
  t.same(f.pendingFailNext(), {});

  f.update({ failRate: 0.25 });
  rnd = 0.2;
  t.same(f.decide('ListAccounts', opts), { kind: 'fail', status: 500, reason: 'failRate' });
  t.same(f.decide('GetCallerIdentity', { rateLimited: false, randomFailures: false }), { kind: 'ok' }, 'STS is exempt');
  rnd = 0.3;
  t.same(f.decide('ListAccounts', opts), { kind: 'ok' });

  const slow = new Faults({ rateLimit: 0.5 }, () => now, () => 1);
  t.equal(slow.decide('ListAccounts', opts).kind, 'ok', 'a limit below 1/s still lets one call through');
  t.equal(slow.decide('ListAccounts', opts).kind, 'fail');
  now += 2000;
  t.equal(slow.decide('ListAccounts', opts).kind, 'ok', 'one more every two seconds');
});
