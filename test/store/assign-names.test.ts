import t from 'tap';
import { assignNames } from '../../src/store/assign-names.js';
import { roleKey, type RoleIdentity } from '../../src/store/profile-name.js';

const r = (session: string, accountId: string, accountName: string, roleName: string): RoleIdentity => ({ session, accountId, accountName, roleName });

function named(roles: RoleIdentity[], kept: Map<string, string> = new Map()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of assignNames(roles, kept)) out[k] = v;
  return out;
}

const work = [r('work', '111111111111', 'Prod', 'Admin'), r('work', '222222222222', 'Dev', 'Admin')];

t.test('a first listing gets short <account>-<role> names', async (t) => {
  t.same(Object.values(named(work)).sort(), ['dev-admin', 'prod-admin']);
});

t.test('adding a second session renames nothing; its clashing role is the one that gets a longer name', async (t) => {
  const first = assignNames(work, new Map());
  const home = [r('home', '333333333333', 'Prod', 'Admin'), r('home', '333333333333', 'Sandbox', 'Dev')];
  const second = assignNames([...work, ...home], first);
  for (const w of work) t.equal(second.get(roleKey(w)), first.get(roleKey(w)), `${roleKey(w)} kept`);
  t.equal(second.get(roleKey(home[0]!)), 'prod-admin-333333333333', 'the newcomer carries its account id');
  t.equal(second.get(roleKey(home[1]!)), 'sandbox-dev', 'a newcomer without a clash stays short');
});

t.test('removing a session frees its names, and never renames the others', async (t) => {
  const home = [r('home', '333333333333', 'Prod', 'Admin')];
  const both = assignNames([...home, ...work], new Map());
  // Whoever came first in one batch, names are a function of the set: the clash gives both an id.
  t.equal(both.get(roleKey(home[0]!)), 'prod-admin-333333333333');
  t.equal(both.get(roleKey(work[0]!)), 'prod-admin-111111111111');
  const after = assignNames(work, both);
  t.equal(after.get(roleKey(work[0]!)), 'prod-admin-111111111111', 'no rename when the clash goes away');
  t.equal(after.size, 2, 'the removed role has no name any more');
});

t.test('the same account in two sessions: the newcomer gets the session prefix', async (t) => {
  const first = assignNames(work, new Map());
  const twin = r('copy', '111111111111', 'Prod', 'Admin');
  const next = assignNames([...work, twin], first);
  t.equal(next.get(roleKey(twin)), 'copy-prod-admin');
  const third = r('copy2', '111111111111', 'Prod', 'Admin');
  const more = assignNames([...work, twin, third], next);
  t.equal(more.get(roleKey(third)), 'copy2-prod-admin');
  t.equal(new Set(more.values()).size, 4, 'all distinct');
});

t.test('a renamed account keeps its profile name', async (t) => {
  const first = assignNames(work, new Map());
  const renamed = [r('work', '111111111111', 'Production EU', 'Admin'), work[1]!];
  t.equal(assignNames(renamed, first).get(roleKey(renamed[0]!)), 'prod-admin');
});

t.test('a newcomer never takes a name another newcomer was given, and unusable kept names are replaced', async (t) => {
  const kept = new Map([[roleKey(work[0]!), 'prod-admin'], [roleKey(work[1]!), 'Not A Name!']]);
  const newcomers = [r('work', '444444444444', 'Prod', 'Admin'), r('work', '555555555555', 'prod-admin', '444444444444')];
  const names = assignNames([...work, ...newcomers], kept);
  t.equal(names.get(roleKey(work[0]!)), 'prod-admin');
  t.equal(names.get(roleKey(work[1]!)), 'dev-admin', 'a name a file could not have come from is given afresh');
  t.equal(new Set(names.values()).size, 4);
  for (const n of names.values()) t.match(n, /^[a-z0-9][a-z0-9_-]*$/);
});

t.test('two kept entries with one name (a hand-edited file): the first key keeps it', async (t) => {
  const kept = new Map([[roleKey(work[0]!), 'same'], [roleKey(work[1]!), 'same']]);
  const names = assignNames(work, kept);
  t.equal(names.get(roleKey(work[0]!)), 'same');
  t.equal(names.get(roleKey(work[1]!)), 'dev-admin');
});
