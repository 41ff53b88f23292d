import t from 'tap';
import { pino } from 'pino';
import { ManualClock } from '../../src/sso/clock.js';
import { CredentialCache, type CredentialKey } from '../../src/store/credential-cache.js';
import { SingleFlight } from '../../src/store/single-flight.js';
import { BACKGROUND_LEAD_MS, MIN_WINDOW_MS, REFRESH_WINDOW_MS, backgroundRefreshAt, isUsable, usableUntil } from '../../src/store/credential-expiry.js';
import type { RoleCredentials } from '../../src/store/types.js';

const MIN = 60_000;
const key: CredentialKey = { session: 'work', accountId: '111111111111', roleName: 'Admin' };
const silent = pino({ level: 'silent' });

function fakeUpstream(clock: ManualClock, lifetimeMs: number) {
  let n = 0;
  const fetch = async (k: CredentialKey): Promise<RoleCredentials> => {
    n++;
    await new Promise((r) => setTimeout(r, 5)); // real I/O takes a moment: lets callers pile up
    return { accessKeyId: `AKIA${n}`, secretAccessKey: 's', sessionToken: 't', expiration: clock.now() + lifetimeMs, accountId: k.accountId, roleArn: 'arn' };
  };
  return { fetch, calls: () => n };
}

t.test('usableUntil: 15 min window, 5 min for short roles, half for tiny ones', async (t) => {
  t.equal(REFRESH_WINDOW_MS, 15 * MIN);
  t.equal(usableUntil(0, 60 * MIN), 45 * MIN, '1 h role: served until 15 min before expiry');
  t.equal(usableUntil(0, 12 * 60 * MIN), 12 * 60 * MIN - 15 * MIN);
  t.equal(usableUntil(0, 20 * MIN), 5 * MIN, '20 min role: still the 15 min window');
  t.equal(usableUntil(0, 15 * MIN), 10 * MIN, '15 min role: the 5 min minimum instead of never');
  t.equal(usableUntil(0, 10 * MIN), 5 * MIN);
  t.equal(usableUntil(0, 4 * MIN), 2 * MIN, 'tiny lifetime: half of it');
  t.ok(isUsable({ usableUntil: 10 }, 9));
  t.notOk(isUsable({ usableUntil: 10 }, 10));
  t.equal(backgroundRefreshAt(0, 45 * MIN), 45 * MIN - BACKGROUND_LEAD_MS);
  t.equal(backgroundRefreshAt(0, 4 * MIN), 3 * MIN, 'short servable span: refresh in its last quarter');
  t.ok(MIN_WINDOW_MS < REFRESH_WINDOW_MS);
});

t.test('single flight: 50 concurrent → 1 call; a failure is not cached', async (t) => {
  const sf = new SingleFlight<number>();
  let calls = 0;
  const results = await Promise.all(Array.from({ length: 50 }, () => sf.run('k', async () => { calls++; await new Promise((r) => setTimeout(r, 5)); return 7; })));
  t.equal(calls, 1);
  t.same(new Set(results), new Set([7]));
  t.equal(sf.size, 0, 'nothing left in flight');
  await t.rejects(sf.run('k', async () => { calls++; throw new Error('boom'); }), /boom/);
  t.equal(await sf.run('k', async () => { calls++; return 8; }), 8, 'the next call tries again');
  t.equal(calls, 3);
});

t.test('50 concurrent requests for a cold role → 1 upstream call', async (t) => {
  const clock = new ManualClock();
  const up = fakeUpstream(clock, 60 * MIN);
  const cache = new CredentialCache({ clock, logger: silent, fetch: up.fetch });
  t.teardown(() => cache.close());
  const all = await Promise.all(Array.from({ length: 50 }, () => cache.get(key)));
  t.equal(up.calls(), 1);
  t.equal(new Set(all.map((c) => c.accessKeyId)).size, 1);
});

t.test('never serves a credential with less than the refresh window left', async (t) => {
  const clock = new ManualClock();
  const up = fakeUpstream(clock, 60 * MIN);
  const cache = new CredentialCache({ clock, logger: silent, fetch: up.fetch });
  t.teardown(() => cache.close());
  // Ask once, then stay idle so no background refresh keeps it fresh.
  await cache.get(key);
  for (let minute = 1; minute <= 120; minute++) {
    await clock.advance(MIN);
    if (minute % 7 !== 0) continue; // idle most minutes
    const c = await cache.get(key);
    t.ok(c.expiration - clock.now() > REFRESH_WINDOW_MS, `minute ${minute}: ${(c.expiration - clock.now()) / MIN} min left`);
  }
});

t.test('a hot role is refreshed in the background and never waits', async (t) => {
  const clock = new ManualClock();
  const up = fakeUpstream(clock, 60 * MIN);
  const cache = new CredentialCache({ clock, logger: silent, fetch: up.fetch });
  t.teardown(() => cache.close());
  await cache.get(key);
  let waited = 0;
  let minLeft = Infinity;
  // One request every 10 s for 3 simulated hours.
  for (let s = 10; s <= 3 * 3600; s += 10) {
    await clock.advance(10_000);
    const before = up.calls();
    const c = await cache.get(key);
    if (up.calls() !== before) waited++;
    minLeft = Math.min(minLeft, c.expiration - clock.now());
  }
  t.equal(waited, 0, 'no request triggered an upstream call itself');
  t.ok(minLeft > REFRESH_WINDOW_MS, `least time left served: ${minLeft / MIN} min`);
  // 45 min servable, refreshed 5 min early: one call per 40 min.
  t.equal(up.calls(), 1 + Math.floor((3 * 60) / 40), `upstream calls: ${up.calls()}`);
});

t.test('an idle role is not refreshed forever', async (t) => {
  const clock = new ManualClock();
  const up = fakeUpstream(clock, 60 * MIN);
  const cache = new CredentialCache({ clock, logger: silent, fetch: up.fetch });
  t.teardown(() => cache.close());
  await cache.get(key);
  await clock.advance(10 * 3600_000);
  t.equal(up.calls(), 1, 'no background calls for a role nobody asks for');
  t.equal(cache.size(), 0, 'evicted once it may no longer be served');
});

t.test('dropSession forgets a session and ignores a fetch that was in flight', async (t) => {
  const clock = new ManualClock();
  const up = fakeUpstream(clock, 60 * MIN);
  const cache = new CredentialCache({ clock, logger: silent, fetch: up.fetch });
  t.teardown(() => cache.close());
  await cache.get(key);
  await cache.get({ ...key, session: 'other' });
  t.equal(cache.dropSession('work'), 1);
  t.equal(cache.size(), 1);
  const inflight = cache.get(key);
  cache.dropSession('work');
  await inflight;
  t.equal(cache.size(), 1, 'the in-flight result was not cached after the drop');
  await cache.get(key);
  t.equal(up.calls(), 4, 'the next request fetches again');
});

t.test('a role whose lifetime is shorter than the window is still served (5 min minimum)', async (t) => {
  const clock = new ManualClock();
  const up = fakeUpstream(clock, 12 * MIN);
  const cache = new CredentialCache({ clock, logger: silent, fetch: up.fetch });
  t.teardown(() => cache.close());
  await cache.get(key);
  await clock.advance(4 * MIN);
  const c = await cache.get(key);
  t.equal(up.calls(), 1, 'served from cache with 8 min left');
  t.ok(c.expiration - clock.now() > MIN_WINDOW_MS);
  await clock.advance(3 * MIN);
  // Now 5 min left: not served; the role was hot, so a background refresh already replaced it.
  const d = await cache.get(key);
  t.ok(d.expiration - clock.now() > MIN_WINDOW_MS);
  t.equal(up.calls(), 2);
});
