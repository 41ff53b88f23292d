import t from 'tap';
import { pino } from 'pino';
import { manualClock, type ManualClock } from '../support/manual-clock.js';
import { waitUntil } from '../support/wait-until.js';
import { CredentialCache, type CredentialKey } from '../../src/store/credential-cache.js';
import { SingleFlight } from '../../src/store/single-flight.js';
import { SERVE_MARGIN_MS, inUse, renewAt, serveMargin, servableUntil } from '../../src/store/credential-expiry.js';
import type { RoleCredentials } from '../../src/core/types.js';

const MIN = 60_000;
const key: CredentialKey = { session: 'work', accountId: '111111111111', roleName: 'Admin' };
const silent = pino({ level: 'silent' });

class Outage extends Error { retryable = true; }
/** Doubling steps from 1 s, capped at 8 s; errors without `retryable` are final. */
const retryDelay = (attempt: number, err: unknown) => (err as { retryable?: boolean }).retryable ? Math.min(8000, 1000 * 2 ** (attempt - 1)) : undefined;

/** `ioMs`: how long the call takes in real time (lets concurrent callers pile up); 0 = the next turn of the event loop. */
function fakeUpstream(clock: ManualClock, lifetimeMs: number, ioMs = 0) {
  let n = 0;
  let failing: Error | undefined;
  const fetch = async (k: CredentialKey): Promise<RoleCredentials> => {
    n++;
    await new Promise((r) => (ioMs ? setTimeout(r, ioMs) : setImmediate(r)));
    if (failing) throw failing;
    return { accessKeyId: `ASIA${n}`, secretAccessKey: 's', sessionToken: 't', expiration: clock.now() + lifetimeMs, accountId: k.accountId, roleArn: 'arn' };
  };
  return { fetch, calls: () => n, fail: (e: Error | undefined) => { failing = e; } };
}

function cacheOver(t: Teardown, clock: ManualClock, up: ReturnType<typeof fakeUpstream>): CredentialCache {
  const cache = new CredentialCache({ clock, logger: silent, fetch: up.fetch, retryDelay });
  t.teardown(() => cache.close());
  return cache;
}
interface Teardown { teardown(fn: () => void): void }

t.test('serving limits: 11 min before expiry, proportionally less for short lifetimes; renewal at half life', async (t) => {
  t.equal(SERVE_MARGIN_MS, 11 * MIN, 'botocore\'s 10 min mandatory window plus one');
  t.equal(serveMargin(60 * MIN), 11 * MIN);
  t.equal(serveMargin(12 * 60 * MIN), 11 * MIN, 'never more than 11 min');
  t.equal(serveMargin(120_000), 22_000, '120 s credentials: served until 22 s before expiry');
  t.equal(serveMargin(-5), 0);
  t.equal(servableUntil(0, 60 * MIN), 49 * MIN);
  t.equal(renewAt(0, 60 * MIN), 30 * MIN);
  t.ok(inUse(0, 60 * MIN, 15 * MIN), 'asked 15 min ago: in use');
  t.notOk(inUse(0, 60 * MIN, 15 * MIN + 1));
  t.notOk(inUse(0, 120_000, 61_000), 'short lifetime: in use means within half of it');
});

t.test('single flight: 50 concurrent → 1 call; a failure is not cached', async (t) => {
  const sf = new SingleFlight<number>();
  let calls = 0;
  const results = await Promise.all(Array.from({ length: 50 }, () => sf.run('k', async () => { calls++; await new Promise((r) => setTimeout(r, 5)); return 7; })));
  t.equal(calls, 1);
  t.same(new Set(results), new Set([7]));
  t.notOk(sf.has('k'), 'nothing left in flight');
  await t.rejects(sf.run('k', async () => { calls++; throw new Error('boom'); }), /boom/);
  t.equal(await sf.run('k', async () => { calls++; return 8; }), 8, 'the next call tries again');
  t.equal(calls, 3);
});

t.test('50 concurrent requests for a cold role → 1 upstream call', async (t) => {
  const clock = manualClock(t);
  const up = fakeUpstream(clock, 60 * MIN, 5);
  const cache = cacheOver(t, clock, up);
  const all = await Promise.all(Array.from({ length: 50 }, () => cache.get(key)));
  t.equal(up.calls(), 1);
  t.equal(new Set(all.map((c) => c.accessKeyId)).size, 1);
});

t.test('a hot role is renewed in the background at half its lifetime and never waits', async (t) => {
  const clock = manualClock(t);
  const up = fakeUpstream(clock, 60 * MIN);
  const cache = cacheOver(t, clock, up);
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
  t.ok(minLeft >= 30 * MIN - 10_000, `least time left served: ${minLeft / MIN} min`);
  t.equal(up.calls(), 1 + 6, `one renewal per 30 min: ${up.calls()} calls`);
});

t.test('an idle role is not renewed and leaves at its TTL', async (t) => {
  const clock = manualClock(t);
  const up = fakeUpstream(clock, 60 * MIN);
  const cache = cacheOver(t, clock, up);
  await cache.get(key);
  await clock.advance(31 * MIN);
  t.same(clock.pending(), [{ label: 'credential-expire', inMs: 18 * MIN }], 'idle at its renewal point: its own timer drops it at its limit, looked up or not');
  await clock.advance(17 * MIN);
  t.equal(cache.size(), 1, 'still servable 12 min before expiry');
  await clock.advance(1 * MIN + 1);
  t.same(clock.pending(), [], 'the drop has happened');
  t.equal(cache.size(), 0, 'gone 11 min before expiry');
  await clock.advance(10 * 3600_000);
  t.equal(up.calls(), 1, 'no background calls for a role nobody asks for');
  const c = await cache.get(key);
  t.equal(up.calls(), 2, 'the next request fetches');
  t.equal(c.accessKeyId, 'ASIA2');
});

t.test('an idle role asked for after its renewal point is served and renewed in the background', async (t) => {
  const clock = manualClock(t);
  const up = fakeUpstream(clock, 60 * MIN);
  const cache = cacheOver(t, clock, up);
  await cache.get(key);
  await clock.advance(40 * MIN);
  const c = await cache.get(key);
  t.equal(c.accessKeyId, 'ASIA1', 'served at once from the cache');
  await waitUntil(async () => (await cache.get(key)).accessKeyId === 'ASIA2', 'the fresh keys are served');
  t.equal(up.calls(), 2, 'one renewal, however often it was asked for meanwhile');
});

t.test('servable: the cached credential without waiting, counted as a use like get; undefined when a fetch is due', async (t) => {
  const clock = manualClock(t);
  const up = fakeUpstream(clock, 60 * MIN);
  const cache = cacheOver(t, clock, up);
  t.equal(cache.servable(key), undefined, 'cold: nothing to hand out, and no fetch started');
  t.equal(up.calls(), 0);
  const first = await cache.get(key);
  t.equal(cache.servable(key), first, 'the very object get resolved to');
  await clock.advance(40 * MIN);
  t.equal(cache.servable(key)?.accessKeyId, 'ASIA1', 'past its renewal point it is still served at once');
  await waitUntil(() => cache.servable(key)?.accessKeyId === 'ASIA2', 'and renewed in the background');
  t.equal(up.calls(), 2);
  await clock.advance(50 * MIN);
  t.equal(cache.servable(key), undefined, 'past its servable limit: the caller must fetch');
});

t.test('through an 80 s outage a hot role with 120 s credentials never fails, and attempts are paced', async (t) => {
  const clock = manualClock(t);
  const up = fakeUpstream(clock, 120_000);
  const cache = cacheOver(t, clock, up);
  await cache.get(key);
  await clock.advance(10_000);
  up.fail(new Outage('HTTP 500'));
  let requests = 0;
  let failures = 0;
  let minLeft = Infinity;
  let recoveredAt: number | undefined;
  const outageEnds = clock.now() + 80_000;
  for (let s = 0; s < 200; s++) {
    if (clock.now() >= outageEnds) up.fail(undefined);
    requests++;
    try {
      const c = await cache.get(key);
      minLeft = Math.min(minLeft, c.expiration - clock.now());
      if (recoveredAt === undefined && clock.now() >= outageEnds && c.accessKeyId !== 'ASIA1' && up.calls() > 1) {
        const fresh = c.expiration - clock.now();
        if (fresh > 100_000) recoveredAt = clock.now();
      }
    } catch {
      failures++;
    }
    await clock.advance(1000);
  }
  t.equal(failures, 0, `${requests} requests, none failed`);
  t.ok(minLeft >= 22_000 - 1000, `served with at least ~22 s left (least: ${minLeft / 1000} s)`);
  t.ok(up.calls() < 30, `upstream calls paced: ${up.calls()} for ${requests} requests`);
  t.ok(recoveredAt !== undefined && recoveredAt - outageEnds <= 9000, `fresh keys ${(recoveredAt! - outageEnds) / 1000} s after AWS answered again`);
});

t.test('a cold role during an outage fails fast, and callers within a backoff step make no upstream call', async (t) => {
  const clock = manualClock(t);
  const up = fakeUpstream(clock, 60 * MIN);
  const cache = cacheOver(t, clock, up);
  up.fail(new Outage('HTTP 500'));
  await t.rejects(cache.get(key), /HTTP 500/);
  for (let i = 0; i < 20; i++) await t.rejects(cache.get(key), /HTTP 500/);
  t.equal(up.calls(), 1, '21 requests, one upstream call');
  await clock.advance(1000);
  await t.rejects(cache.get(key), /HTTP 500/);
  t.equal(up.calls(), 2, 'one more after the backoff step');
  up.fail(undefined);
  await clock.advance(2000);
  t.equal((await cache.get(key)).accessKeyId, 'ASIA3');
});

t.test('a final error stops the background renewal; the cached credential is served until its limit', async (t) => {
  const clock = manualClock(t);
  const up = fakeUpstream(clock, 60 * MIN);
  const cache = cacheOver(t, clock, up);
  await cache.get(key);
  await clock.advance(29 * MIN);
  await cache.get(key);
  up.fail(new Error('login needed'));
  await clock.advance(MIN);
  await waitUntil(() => up.calls() === 2, 'the renewal was tried');
  await new Promise((r) => setImmediate(r));
  t.equal(up.calls(), 2, 'the renewal was tried once');
  t.same(clock.pending().filter((p) => p.label === 'credential-retry'), [], 'and not retried');
  await clock.advance(18 * MIN);
  t.equal((await cache.get(key)).accessKeyId, 'ASIA1', 'still served 11 min before expiry');
  await clock.advance(MIN + 1);
  await t.rejects(cache.get(key), /login needed/, 'past its limit the caller sees the error');
});

t.test('dropSession forgets a session and ignores a fetch that was in flight', async (t) => {
  const clock = manualClock(t);
  const up = fakeUpstream(clock, 60 * MIN);
  const cache = cacheOver(t, clock, up);
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
