import t from 'tap';
import { AdaptivePacer } from '../../../src/sso/sync/pacer.js';

t.test('adaptive pacer: unlimited until throttled, then paced, then climbing back', async (t) => {
  let now = 0;
  const slept: number[] = [];
  const p = new AdaptivePacer({ now: () => now, sleep: async (ms) => { slept.push(ms); now += ms; } });
  for (let i = 0; i < 40; i++) { await p.acquire(); p.onSuccess(); now += 10; }
  t.equal(p.currentRate(), undefined);
  t.same(slept, [], 'no waiting before the first throttle');
  p.onThrottle();
  const rate = p.currentRate()!;
  t.equal(rate, 36, 'starts just under what got through in the last second (40): a burst from a full bucket is not taken as the rate');
  p.onThrottle();
  t.equal(p.currentRate(), rate, 'one cut per episode');
  now += 1500;
  p.onThrottle();
  t.ok(Math.abs(p.currentRate()! - rate * 0.7) < 1e-9, 'then multiplicative decrease');
  const low = p.currentRate()!;
  for (let i = 0; i < 100; i++) { await p.acquire(); p.onSuccess(); }
  t.ok(p.currentRate()! > low, 'additive increase on success');
  t.ok(slept.length > 0 && slept.every((ms) => ms > 0), 'requests were spaced');
});

t.test('adaptive pacer: a throttle after a busy second paces just under what got through, not 30 % below', async (t) => {
  let now = 0;
  const p = new AdaptivePacer({ now: () => now, sleep: async (ms) => { now += ms; } });
  const second = (n: number) => { for (let i = 0; i < n; i++) { p.onSuccess(); now += 1000 / n; } };
  second(200); // a full bucket's burst
  p.onThrottle();
  t.equal(p.currentRate(), 180);
  second(100); // the limit is 100/s
  let before = p.currentRate()!;
  p.onThrottle();
  t.ok(Math.abs(p.currentRate()! - before * 0.7) < 1e-9, 'well above what got through (~180): the 30 % cut');
  second(100);
  before = p.currentRate()!;
  p.onThrottle();
  t.ok(before * 0.7 < 90 && Math.abs(p.currentRate()! - 95) < 1.5, `then 95 % of the ~100/s that got through (${p.currentRate()!.toFixed(1)}), where a cut would give ${(before * 0.7).toFixed(1)}`);
  second(100);
  p.onThrottle();
  t.ok(p.currentRate()! <= 95, 'never raised by a throttle');
});

t.test('adaptive pacer: throttled before any success starts at the fallback rate', async (t) => {
  const { FALLBACK_RATE } = await import('../../../src/sso/sync/pacer.js');
  const p = new AdaptivePacer({ now: () => 0, sleep: async () => {} });
  p.onThrottle();
  t.equal(p.currentRate(), FALLBACK_RATE);
});
