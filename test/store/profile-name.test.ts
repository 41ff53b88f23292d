import t from 'tap';
import { profileNames, roleKey, slug, type RoleIdentity } from '../../src/store/profile-name.js';

const r = (accountName: string, roleName: string, accountId = '111111111111', session = 'work'): RoleIdentity =>
  ({ session, accountId, accountName, roleName });

const SAFE = /^[a-z0-9][a-z0-9_-]*$/;

t.test('slug: readable, lowercase, safe for ~/.aws/config and URL paths', async (t) => {
  const cases: Array<[string, string]> = [
    ['Production', 'production'],
    ['AdministratorAccess', 'administratoraccess'],
    ['My Team / Dev', 'my-team-dev'],
    ['  leading and trailing  ', 'leading-and-trailing'],
    ['Produção São Paulo', 'producao-sao-paulo'],
    ['a.b.c', 'a-b-c'],
    ['[profile x]; #comment', 'profile-x-comment'],
    ['100%/../etc', '100-etc'],
    ['role_with_underscores', 'role_with_underscores'],
    ['AWS-Reserved--SSO', 'aws-reserved-sso'],
    ['日本語', ''],
    ['---', ''],
  ];
  for (const [input, want] of cases) t.equal(slug(input), want, JSON.stringify(input));
  t.ok(slug('x'.repeat(200)).length <= 48, 'long names are cut');
});

t.test('default name is <account>-<role>', async (t) => {
  const names = profileNames([r('Production', 'AdministratorAccess')], { prefixSession: false });
  t.same([...names.values()], ['production-administratoraccess']);
});

t.test('names are prefixed by the session when several sessions exist', async (t) => {
  const names = profileNames([r('Prod', 'Admin', '1', 'work'), r('Prod', 'Admin', '1', 'Personal Org')], { prefixSession: true });
  t.same([...names.values()].sort(), ['personal-org-prod-admin', 'work-prod-admin']);
});

t.test('collisions are disambiguated by account id, for every member, independent of order', async (t) => {
  const roles = [r('Dev', 'Admin', '111111111111'), r('dev', 'admin', '222222222222'), r('Other', 'Admin', '333333333333')];
  const a = profileNames(roles, { prefixSession: false });
  const b = profileNames([...roles].reverse(), { prefixSession: false });
  t.same(Object.fromEntries(a), Object.fromEntries(b), 'stable whatever the listing order');
  t.equal(a.get(roleKey(roles[0]!)), 'dev-admin-111111111111');
  t.equal(a.get(roleKey(roles[1]!)), 'dev-admin-222222222222');
  t.equal(a.get(roleKey(roles[2]!)), 'other-admin', 'a name without a collision stays short');
});

t.test('roles of one account that differ only in odd characters stay distinct', async (t) => {
  const roles = [r('Dev', 'Read.Only'), r('Dev', 'Read-Only'), r('Dev', 'read only')];
  const names = [...profileNames(roles, { prefixSession: false }).values()];
  t.equal(new Set(names).size, 3, 'all distinct');
  for (const n of names) t.match(n, SAFE);
  for (const n of names) t.match(n, /^dev-read-only-111111111111-[0-9a-f]{6}$/);
});

t.test('names with nothing readable fall back to ids and hashes, still safe and unique', async (t) => {
  const roles = [r('日本語', 'ロール', '444444444444'), r('', '管理者', '444444444444')];
  const names = [...profileNames(roles, { prefixSession: false }).values()];
  t.equal(new Set(names).size, 2);
  for (const n of names) { t.match(n, SAFE); t.match(n, /^444444444444-/); }
});

t.test('never contains ":" so it cannot be confused with ACCOUNT:ROLE or an ARN', async (t) => {
  const names = profileNames([r('a:b', 'arn:aws:iam::1:role/x')], { prefixSession: true });
  for (const n of names.values()) { t.notMatch(n, /[:/ ]/); t.match(n, SAFE); }
});

t.test('the same set gives the same names every time (stable across syncs)', async (t) => {
  const roles = Array.from({ length: 50 }, (_, i) => r(`Account ${i % 7}`, `Role${i % 3}`, String(100000000000 + i)));
  const once = Object.fromEntries(profileNames(roles, { prefixSession: false }));
  const twice = Object.fromEntries(profileNames([...roles].sort(() => 0.5 - Math.random()), { prefixSession: false }));
  t.same(once, twice);
  t.equal(new Set(Object.values(once)).size, roles.length, 'every role has its own name');
});
