import t from 'tap';
import { catalogDiff, describeDiff } from '../../../src/sso/sync/catalog-diff.js';


t.test('catalog diff', async (t) => {
  const r = (a: string, n: string) => ({ session: 's', accountId: a, roleName: n });
  const d = catalogDiff([r('1', 'A'), r('1', 'B'), r('2', 'A')], [r('1', 'A'), r('2', 'A'), r('3', 'C')]);
  t.same(d, { added: [r('3', 'C')], removed: [r('1', 'B')] });
  t.same(catalogDiff([], []), { added: [], removed: [] });
  const many = Array.from({ length: 25 }, (_, i) => r(String(i), 'X'));
  const shown = describeDiff({ added: many, removed: [] }, 10);
  t.equal(shown.added.length, 11);
  t.equal(shown.added.at(-1), '…and 15 more');
});
