import t from 'tap';
import { accountIdFor, buildOrg } from '../../src/emulator/org.js';

t.test('the fake organisation', async (t) => {
  const org = buildOrg(25, 12);
  t.same(buildOrg(25, 12), org, 'deterministic');
  t.equal(org.length, 25);
  const idsSeen = new Set(org.map((a) => a.accountId));
  t.equal(idsSeen.size, 25, 'account ids are unique');
  t.ok(org.every((a) => /^\d{12}$/.test(a.accountId)), '12-digit account ids');
  t.equal(accountIdFor(1), '012345678901', 'one id has a leading zero');
  t.equal(new Set(org.map((a) => a.accountName)).size, 25, 'account names are unique');
  t.ok(org.some((a) => /\s/.test(a.accountName)) && org.some((a) => /[()&/'#:]/.test(a.accountName)), 'names with spaces and punctuation');
  const roles = org.flatMap((a) => a.roles);
  t.ok(roles.every((r) => /^[\w+=,.@-]{1,32}$/.test(r)), 'role names use only what IAM allows');
  for (const ch of '+=,.@_-') t.ok(roles.some((r) => r.includes(ch)), `some role name has ${ch}`);
  t.ok(org.every((a) => new Set(a.roles).size === a.roles.length && a.roles.length === 12), 'roles are unique per account');
  t.ok(org.every((a) => /^[^@\s]+@example\.com$/.test(a.emailAddress)));
  t.same(buildOrg(0, 2), []);
});
