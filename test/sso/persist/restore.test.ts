/**
 * The core's side of `--persist`: what it saves when, and what a restart brings back, through the
 * SessionVault interface (an in-memory one here, going through the real record format; the
 * keychain itself is tested in keychain-vault.test.ts and test/e2e/keychain.test.ts).
 */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { createAgentCore } from '../../../src/daemon.js';
import { createClientFactory } from '../../../src/sso/clients.js';
import { manualClock, type ManualClock } from '../../support/manual-clock.js';
import type { PersistStatus } from '../../../src/core/admin-api.js';
import type { SessionVault, VaultRecord } from '../../../src/sso/persist/session-vault.js';
import { parseRecord, serializeRecord } from '../../../src/sso/persist/vault-record.js';
import { createLogger } from '../../../src/logger.js';
import type { AgentCore } from '../../../src/core/types.js';
import { deviceLogin, harness, type Harness } from '../../support/sso-harness.js';
import { waitUntil } from '../../support/wait-until.js';

const MIN = 60_000;

class MemoryVault implements SessionVault {
  readonly items = new Map<string, string>();
  readonly ops: string[] = [];
  async list() { return [...this.items.keys()]; }
  async load(session: string) {
    const text = this.items.get(session);
    const parsed = text === undefined ? undefined : parseRecord(text);
    return parsed?.ok ? parsed.record : undefined;
  }
  save(session: string, record: VaultRecord) { this.ops.push(`save ${session}`); this.items.set(session, serializeRecord(record)); }
  remove(session: string) { this.ops.push(`remove ${session}`); this.items.delete(session); }
  async settle() { return true; }
  describe(): PersistStatus { return { mode: 'keychain', state: 'ok' }; }
  async close() {}
  token(session = 'work') { return this.items.has(session) ? (JSON.parse(this.items.get(session)!) as VaultRecord).token : undefined; }
}

/** The agent started again: a new core on the same config, emulator, clock and vault. */
async function restart(t: Test, h: Harness, clock: ManualClock, vault: SessionVault): Promise<{ core: AgentCore; logs: string[] }> {
  await h.core.close();
  const logs: string[] = [];
  const core = await createAgentCore({
    logger: createLogger({ level: 'debug', stream: { write: (l: string) => { logs.push(l); } } }),
    env: h.env,
    settingsFile: join(h.dir, 'settings.json'),
    redirectUri: () => 'http://127.0.0.1:1/oauth/callback',
    clients: createClientFactory({ env: h.env, maxAttempts: 1 }),
    retry: { sleep: async () => {} },
    clock,
    vault,
  });
  t.teardown(() => core.close());
  return { core, logs };
}

t.test('a login is saved, every refresh rewrites it, a restart brings it back without a login', async (t) => {
  const clock = manualClock(t);
  const vault = new MemoryVault();
  const h = await harness({ emulator: { now: () => clock.now(), tokenTtl: 3600 }, core: { clock, vault } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  const saved = vault.token();
  t.ok(saved?.refreshToken, 'the login is in the vault, with its refresh token');
  t.equal(h.core.listSessions()[0]!.restored, false, 'a login is not a restore');

  await clock.fireNext('token-refresh');
  await waitUntil(() => vault.token()?.accessToken !== saved!.accessToken, 'the refreshed token is saved');
  t.not(vault.token()!.refreshToken, saved!.refreshToken, 'with the rotated refresh token');

  const { core } = await restart(t, h, clock, vault);
  const s = core.listSessions()[0]!;
  t.match(s, { name: 'work', state: 'active', restored: true, refreshable: true }, 'restored');
  t.ok(s.roles > 0, `the catalog is listed again before the agent answers (${s.roles} roles)`);
  const stats = await h.stats();
  t.equal(stats.StartDeviceAuthorization, 1, 'no second login');
  t.equal(stats.RegisterClient, 1, 'the client registration came back too');
  const creds = await core.getCredentials(core.listProfiles()[0]!.profile);
  t.match(creds.accessKeyId, /^ASIA/, 'credentials are served');

  await core.logout('work');
  t.equal(vault.items.size, 0, 'logout deletes it');
  t.equal(core.listSessions()[0]!.restored, false);
});

t.test('a stored token past its refresh time is refreshed at start; a refresh the service rejects deletes it', async (t) => {
  const clock = manualClock(t);
  const vault = new MemoryVault();
  const h = await harness({ emulator: { now: () => clock.now(), tokenTtl: 3600 }, core: { clock, vault } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  const saved = vault.token()!;
  await h.core.close();
  // Off for 55 minutes: the token has 5 left, inside the refresh lead.
  await clock.advance(55 * MIN);
  const before = (await h.stats()).CreateToken ?? 0;
  const { core } = await restart(t, h, clock, vault);
  t.equal((await h.stats()).CreateToken, before + 1, 'refreshed at start');
  t.not(vault.token()!.accessToken, saved.accessToken, 'and the item rewritten');
  t.match(core.listSessions()[0], { state: 'active', restored: true });
  await core.close();

  // Off for two hours, and meanwhile the refresh token was revoked.
  await h.control('expire', { what: 'refreshTokens' });
  await clock.advance(120 * MIN);
  const { core: again, logs } = await restart(t, h, clock, vault);
  t.match(again.listSessions()[0], { state: 'login-needed', restored: false }, 'a person must log in');
  t.equal(vault.items.size, 0, 'the rejected session is deleted from the vault');
  t.ok(logs.some((l) => l.includes('token refresh rejected; login needed')));
});

t.test('offline at start: the item is kept, and the first request once online refreshes', async (t) => {
  const clock = manualClock(t);
  const vault = new MemoryVault();
  const h = await harness({ emulator: { now: () => clock.now(), tokenTtl: 3600 }, core: { clock, vault } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  const profile = h.core.listProfiles()[0]!.profile;
  await h.core.close();
  await clock.advance(90 * MIN);
  await h.control('faults', { failRate: 1 });
  const { core, logs } = await restart(t, h, clock, vault);
  t.ok(logs.some((l) => l.includes('could not be refreshed or synced yet')), 'a warning, not a failure to start');
  t.equal(vault.items.size, 1, 'a transient failure keeps the item');
  await h.control('faults', { failRate: 0 });
  await core.sync('work');
  const creds = await core.getCredentials(profile);
  t.match(creds.accessKeyId, /^ASIA/, 'served once the service answers, without a login');
  t.match(core.listSessions()[0], { state: 'active', restored: true });
});

t.test('items that cannot bring a session back are deleted at start', async (t) => {
  const clock = manualClock(t);
  const vault = new MemoryVault();
  const h = await harness({ emulator: { now: () => clock.now() }, core: { clock, vault } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  const record = JSON.parse(vault.items.get('work')!) as VaultRecord;
  vault.items.set('gone', serializeRecord(record));
  vault.items.set('work', serializeRecord({ ...record, startUrl: 'https://d-0000000000.awsapps.com/start' }));
  const { core, logs } = await restart(t, h, clock, vault);
  t.same([...vault.items.keys()], [], 'both deleted');
  t.match(core.listSessions(), [{ name: 'work', state: 'not-logged-in', restored: false }]);
  t.ok(logs.some((l) => l.includes('"session":"gone"') && l.includes('no longer configured')), 'the session no longer configured is named');
  t.ok(logs.some((l) => l.includes('another start URL or region')), 'the mismatch is named');
});

t.test('without a vault the core behaves as before: memory only', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now() }, core: { clock } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  t.match(h.core.listSessions()[0], { state: 'active', restored: false });
});
