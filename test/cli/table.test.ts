import t from 'tap';
import { formatTable, relativeTime } from '../../src/cli/table.js';

t.test('formatTable aligns columns and trims line ends', async (t) => {
  t.equal(formatTable(['A', 'LONG HEADER', 'C'], [['xxxx', 'y', ''], ['z', 'w', 'last']]),
    'A     LONG HEADER  C\nxxxx  y\nz     w            last\n');
  t.equal(formatTable(['A'], []), 'A\n');
});

t.test('relativeTime', async (t) => {
  const now = Date.UTC(2026, 0, 1);
  const at = (ms: number) => new Date(now + ms).toISOString();
  t.equal(relativeTime(undefined, now), '-');
  t.equal(relativeTime('garbage', now), '-');
  t.equal(relativeTime(at(30_000), now), 'in 30s');
  t.equal(relativeTime(at(-42 * 60_000), now), '42m ago');
  t.equal(relativeTime(at(3 * 3_600_000 + 5 * 60_000), now), 'in 3h05m');
  t.equal(relativeTime(at(-3 * 86_400_000), now), '3d ago');
});
