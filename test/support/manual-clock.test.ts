import t from 'tap';
import { manualClock } from './manual-clock.js';

t.test('ManualClock fires timers in order and reports pending labels', async (t) => {
  const c = manualClock(t, 0);
  const fired: string[] = [];
  c.setTimeout(() => fired.push('b'), 200, 'b');
  const h = c.setTimeout(() => fired.push('x'), 100, 'x');
  c.setTimeout(() => fired.push('a'), 100, 'a');
  c.clearTimeout(h);
  t.same(c.pending().map((p) => p.label), ['a', 'b']);
  await c.advance(150);
  t.same(fired, ['a']);
  t.equal(c.now(), 150);
  t.equal(await c.fireNext('b'), 50);
  t.same(fired, ['a', 'b']);
  await t.rejects(c.waitFor('never', 20), /no never timer/);
});
