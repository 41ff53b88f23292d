import t from 'tap';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Catalog, type AccountListing, type CatalogSnapshot } from '../../src/store/catalog.js';
import { CatalogFileWriter, loadCatalogFile } from '../../src/store/catalog-file.js';

const REGIONS: Record<string, string> = { work: 'eu-west-1', gov: 'us-gov-west-1', china: 'cn-north-1' };

function listing(...accounts: Array<[string, string, string[]]>): Map<string, AccountListing> {
  return new Map(accounts.map(([accountId, accountName, roles]) => [accountId, { accountId, accountName, roles, stale: false }]));
}

function catalog(changes: CatalogSnapshot[] = []): Catalog {
  return new Catalog({ regionOf: (s) => REGIONS[s], onChange: (snap) => changes.push(snap) });
}

t.test('resolves profile names, ACCOUNT:ROLE and the real role ARNs; no invented ARN', async (t) => {
  const c = catalog();
  c.setAccounts('work', listing(['111111111111', 'Prod', ['AdministratorAccess', 'ReadOnly']]));
  t.same(c.list().map((r) => r.profile), ['prod-administratoraccess', 'prod-readonly']);
  t.equal(c.resolve('prod-readonly')?.roleName, 'ReadOnly');
  t.equal(c.resolve('PROD-READONLY')?.roleName, 'ReadOnly', 'profile names are case-insensitive');
  t.equal(c.resolve('111111111111:ReadOnly')?.profile, 'prod-readonly');
  t.equal(c.resolve('arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_2f24367c24ca1a37')?.profile, 'prod-administratoraccess');
  t.equal(c.resolve('arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_ReadOnly_2f24367c24ca1a37')?.profile, 'prod-readonly');
  t.equal(c.resolve('arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_2f24367c24ca1a37'), undefined, 'another account');
  t.equal(c.resolve('arn:aws-us-gov:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_2f24367c24ca1a37'), undefined, 'another partition');
  t.equal(c.resolve('nope'), undefined);
  for (const r of c.list()) t.equal(r.roleArn, null, 'the portal gives no role ARN, so none is shown');
});

t.test('the partition of an ARN must be the session\'s (GovCloud, China)', async (t) => {
  const c = catalog();
  c.setAccounts('gov', listing(['111111111111', 'Gov', ['Admin']]));
  c.setAccounts('china', listing(['222222222222', 'Cn', ['Admin']]));
  t.equal(c.resolve('arn:aws-us-gov:iam::111111111111:role/aws-reserved/sso.amazonaws.com/us-gov-west-1/AWSReservedSSO_Admin_0123456789abcdef')?.session, 'gov');
  t.equal(c.resolve('arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef'), undefined);
  t.equal(c.resolve('arn:aws-cn:iam::222222222222:role/aws-reserved/sso.amazonaws.com/cn-north-1/AWSReservedSSO_Admin_0123456789abcdef')?.session, 'china');
});

t.test('names stay when sessions are added and removed, and survive a snapshot round trip', async (t) => {
  const changes: CatalogSnapshot[] = [];
  const c = catalog(changes);
  c.setAccounts('work', listing(['111111111111', 'Prod', ['Admin']], ['222222222222', 'Dev', ['Admin']]));
  const before = c.list().map((r) => r.profile);
  c.setAccounts('home', listing(['333333333333', 'Prod', ['Admin']]));
  t.same(c.rolesOf('work').map((r) => r.profile), before, 'a second session renames nothing');
  t.equal(c.rolesOf('home')[0]?.profile, 'prod-admin-333333333333');
  t.equal(c.dropSession('home'), 1);
  t.equal(c.dropSession('home'), 0, 'dropping twice is a no-op');
  t.same(c.list().map((r) => r.profile), before);
  c.setAccounts('home', listing(['333333333333', 'Prod', ['Admin']]));
  t.ok(changes.length >= 4, 'every change is offered for saving');

  const restarted = catalog();
  restarted.restore(changes.at(-1)!, (s) => s !== 'gone');
  t.same(restarted.list().map((r) => [r.session, r.profile]), c.list().map((r) => [r.session, r.profile]), 'same names after a restart');
  t.equal(restarted.resolve('dev-admin')?.accountId, '222222222222');
  // A sync after the restart that lists the other session first still renames nothing.
  restarted.setAccounts('home', listing(['333333333333', 'Prod', ['Admin']]));
  t.same(restarted.list().map((r) => r.profile), c.list().map((r) => r.profile));

  const partial = catalog();
  partial.restore(changes.at(-1)!, (s) => s === 'work');
  t.same([...new Set(partial.list().map((r) => r.session))], ['work'], 'sessions no longer configured are not restored');
});

t.test('the state file: atomic, private, latest wins; a damaged file is reported, never fatal', async (t) => {
  const dir = t.testdir({ 'broken.json': '{"version": 1, "sess', 'other.json': '{"version": 2}' });
  const file = join(dir, 'state', 'catalog.json');
  const errors: Error[] = [];
  const w = new CatalogFileWriter(file, (e) => errors.push(e));
  const c = catalog();
  c.setAccounts('work', listing(['111111111111', 'Prod', ['Admin']]));
  const first = c.snapshot();
  c.setAccounts('work', listing(['111111111111', 'Prod', ['Admin', 'ReadOnly']]));
  w.save(first);
  w.save(c.snapshot());
  await w.flush();
  t.same(errors, []);
  t.equal((await stat(file)).mode & 0o777, 0o600, 'file 0600');
  t.equal((await stat(join(dir, 'state'))).mode & 0o777, 0o700, 'folder 0700');
  const { snapshot } = await loadCatalogFile(file);
  t.same(snapshot, c.snapshot(), 'the latest state is on disk');
  t.notMatch(JSON.stringify(snapshot), /token|secret/i);

  t.same(await loadCatalogFile(join(dir, 'missing.json')), {}, 'missing: nothing known, no complaint');
  t.match((await loadCatalogFile(join(dir, 'broken.json'))).problem, /broken\.json is not a catalog the agent wrote/);
  t.match((await loadCatalogFile(join(dir, 'other.json'))).problem, /version 1/);

  const bad = new CatalogFileWriter(join(dir, 'broken.json', 'x.json'), (e) => errors.push(e));
  bad.save(first);
  await bad.flush();
  t.equal(errors.length, 1, 'a failed write is reported, not thrown');
});
