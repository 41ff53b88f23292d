import t from 'tap';
import { harness, deviceLogin } from '../support/sso-harness.js';
import { waitUntil } from '../support/wait-until.js';
import { manualClock } from '../support/manual-clock.js';

interface OrgView { accounts: Array<{ accountId: string; accountName: string; roles: string[] }> }

t.test('sync of 300 accounts × 3 roles at 20 req/s with 10 % failures finishes complete', async (t) => {
  // Real backoff and pacing here (not the zero-delay policy): this is the throttle-safety test.
  const h = await harness({ emulator: { accounts: 300, rolesPerAccount: 3 }, core: { retry: { maxAttempts: 10, baseDelayMs: 50, throttleBaseDelayMs: 100 } } });
  t.teardown(() => h.close());
  await deviceLogin(h);
  await h.control('stats/reset', {});
  await h.control('faults', { rateLimit: 20, failRate: 0.1 });
  const [summary] = await h.core.sync('work');
  t.equal(summary?.accounts, 300);
  t.equal(summary?.roles, 900);
  t.equal(summary?.failedAccounts, 0, 'no account lost');
  const org = (await h.control('org')) as OrgView;
  const want = org.accounts.flatMap((a) => a.roles.map((r) => `${a.accountId}:${r}`)).sort();
  const got = h.core.listProfiles().map((p) => `${p.accountId}:${p.roleName}`).sort();
  t.same(got, want, 'the catalog is exactly the organisation');
  t.equal(h.core.listProfiles().filter((p) => p.stale).length, 0);
  const stats = await h.stats();
  t.ok(stats.ListAccounts! >= 3, 'followed ListAccounts nextToken across pages');
  const line = h.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'sync finished' && l.accounts === 300 && l.throttled > 0);
  t.ok(line, 'the emulator did throttle, and the sync adapted');
  t.comment(`sync: ${summary?.durationMs} ms, ${line?.calls} calls, ${line?.throttled} throttled; floor ${Math.ceil(301 / 20)} s`);
  t.equal(h.core.listSessions()[0]?.staleAccounts, 0);
});

t.test('the diff after roles change is reported and logged as one line', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  await deviceLogin(h);
  const org = (await h.control('org')) as OrgView;
  const first = org.accounts[0]!;
  await h.control('assignments', {
    add: [{ accountId: '999999999999', accountName: 'Audit', roleName: 'SecurityAudit' }, { accountId: first.accountId, roleName: 'Billing' }],
    remove: [{ accountId: first.accountId, roleName: first.roles[0] }],
  });
  const [summary] = await h.core.sync('work');
  t.equal(summary?.added, 2);
  t.equal(summary?.removed, 1);
  t.equal(summary?.accounts, 4);
  t.ok(h.core.listProfiles().some((p) => p.profile === 'audit-securityaudit' && p.accountId === '999999999999' && p.roleName === 'SecurityAudit'));
  t.notOk(h.core.listProfiles().some((p) => p.accountId === first.accountId && p.roleName === first.roles[0]), 'removed role is gone');
  await t.rejects(h.core.getCredentials(`${first.accountId}:${first.roles[0]}`), { code: 'ProfileNotFound' });
  const lines = h.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'sync finished');
  const last = lines.at(-1);
  t.same(last.addedRoles.sort(), ['999999999999:SecurityAudit', `${first.accountId}:Billing`].sort());
  t.same(last.removedRoles, [`${first.accountId}:${first.roles[0]}`]);
});

t.test('an account whose listing fails keeps its last-known roles, marked stale', async (t) => {
  const h = await harness({ core: { syncConcurrency: 1, retry: { sleep: async () => {}, maxAttempts: 3 } } });
  t.teardown(() => h.close());
  await deviceLogin(h);
  const before = h.core.listProfiles();
  await h.control('faults', { failNext: { ListAccountRoles: { count: 3, status: 500 } } });
  const [summary] = await h.core.sync('work');
  t.equal(summary?.failedAccounts, 1);
  t.equal(summary?.roles, before.length, 'no role lost');
  const stale = h.core.listProfiles().filter((p) => p.stale);
  t.equal(stale.length, 2, 'the failed account\'s two roles are stale');
  t.same(new Set(stale.map((p) => p.accountId)).size, 1);
  const s = h.core.listSessions()[0]!;
  t.equal(s.staleAccounts, 1);
  t.match(s.lastSyncError, /1 account/);
  t.same(h.core.listProfiles().map((p) => p.profile), before.map((p) => p.profile), 'names unchanged');
  const [again] = await h.core.sync('work');
  t.equal(again?.failedAccounts, 0);
  t.equal(h.core.listProfiles().filter((p) => p.stale).length, 0, 'fresh again after a clean sync');
  t.equal(h.core.listSessions()[0]!.lastSyncError, undefined);
});

t.test('throttling and 5xx on ListAccounts are retried; a failed sync keeps the old catalog', async (t) => {
  const h = await harness({ core: { retry: { sleep: async () => {}, maxAttempts: 3 } } });
  t.teardown(() => h.close());
  await deviceLogin(h);
  await h.control('faults', { failNext: { ListAccounts: { count: 2, status: 429 } } });
  const [ok] = await h.core.sync('work');
  t.equal(ok?.roles, 6, 'two 429s ridden out');
  await h.control('faults', { failNext: { ListAccounts: { count: 3, status: 503 } } });
  await t.rejects(h.core.sync('work'), { code: 'UpstreamError' });
  t.equal(h.core.listProfiles().length, 6, 'old catalog kept');
  t.match(h.core.listSessions()[0]!.lastSyncError, /IAM Identity Center failed/);
});

t.test('syncs run one at a time per session, on demand, and every sync interval', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now() }, core: { clock, syncIntervalMs: 3600_000 } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  t.equal((await h.stats()).ListAccounts, 1, 'synced after login');
  const [a, b] = await Promise.all([h.core.sync('work'), h.core.sync('work')]);
  t.same(a, b, 'concurrent requests share one sync');
  t.equal((await h.stats()).ListAccounts, 2);
  t.equal((await clock.waitFor('sync-interval')).due - clock.now(), 3600_000);
  await clock.fireNext('sync-interval');
  await waitUntil(async () => ((await h.stats()).ListAccounts ?? 0) >= 3, 'the periodic sync has listed accounts');
  t.equal((await h.stats()).ListAccounts, 3, 'periodic sync ran');
});

t.test('a token the portal rejects during a sync turns the session to login-needed', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  await deviceLogin(h);
  await h.control('expire', { what: 'accessTokens' });
  await h.control('expire', { what: 'refreshTokens' });
  await t.rejects(h.core.sync('work'), { code: 'LoginRequired', message: /sso-agent login --session work/ });
  t.equal(h.core.listSessions()[0]!.state, 'login-needed');
  t.equal(h.core.listProfiles().length, 6, 'the catalog is still listed');
});

t.test('sync of an unknown or logged-out session says what to do', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  await t.rejects(h.core.sync('nope'), { code: 'SessionNotFound' });
  await t.rejects(h.core.sync('work'), { code: 'LoginRequired', message: /^SSO session work needs a login: run `sso-agent login --session work`$/ });
  await t.rejects(h.core.sync(), { code: 'LoginRequired' });
});

t.test('a running sync shows its progress in the session status, and none once done', async (t) => {
  const h = await harness({ emulator: { accounts: 12, rolesPerAccount: 1 } });
  t.teardown(() => h.close());
  await deviceLogin(h);
  await h.control('faults', { latencyMs: 20 });
  const seen: Array<{ phase: string; accounts: number; listed: number }> = [];
  const sync = h.core.sync('work');
  let done = false;
  void sync.finally(() => { done = true; });
  while (!done) {
    const p = h.core.listSessions().find((s) => s.name === 'work')?.syncProgress;
    if (p && JSON.stringify(p) !== JSON.stringify(seen.at(-1))) seen.push({ ...p });
    await new Promise((r) => setImmediate(r));
  }
  await sync;
  t.ok(seen.some((p) => p.phase === 'roles' && p.accounts === 12 && p.listed > 0 && p.listed < 12), 'part-way: some of 12 accounts listed');
  t.ok(seen.every((p, i) => i === 0 || p.listed >= (seen[i - 1]?.listed ?? 0) || p.phase !== seen[i - 1]?.phase), 'the count only grows');
  t.equal(h.core.listSessions().find((s) => s.name === 'work')?.syncProgress, undefined, 'cleared when the sync ends');
});
