/**
 * KeychainVault against a real Secret Service (gnome-keyring-daemon on a private bus), read back
 * with secret-tool; and against the ways a keychain fails: locked, no Secret Service, no bus, a bus
 * that never answers. Each failure must end in one warning naming the cause, within the bound.
 */
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/logger.js';
import { KeychainVault } from '../../../src/sso/persist/keychain-vault.js';
import type { VaultRecord } from '../../../src/sso/persist/session-vault.js';
import { NO_SERVICES_BUS, startBus, startSecretService } from '../../support/secret-service.js';
import { tempDir } from '../../support/temp-dirs.js';
import { waitUntil } from '../../support/wait-until.js';

const NOW = Date.UTC(2026, 10, 23, 9);

function record(accessToken: string, refreshToken = `aor-${accessToken}`): VaultRecord {
  return {
    startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1', scopes: ['sso:account:access'],
    registration: { flow: 'pkce', clientId: 'client-1', clientSecret: 'client-secret-1', expiresAt: NOW + 90 * 86400_000, scopes: ['sso:account:access'] },
    token: { accessToken, issuedAt: NOW, expiresAt: NOW + 3600_000, refreshToken },
  };
}

function world() {
  const dir = tempDir(join(tmpdir(), 'kv-'));
  const home = join(dir, 'home');
  const runtimeDir = join(dir, 'run');
  mkdirSync(home, { mode: 0o700 });
  mkdirSync(runtimeDir, { mode: 0o700 });
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', stream: new Writable({ write(c, _e, cb) { logs.push(...String(c).split('\n').filter(Boolean)); cb(); } }) });
  return { home, runtimeDir, logs, logger };
}

t.test('save, list, load and remove, as secret-tool sees them', async (t) => {
  const w = world();
  const ss = await startSecretService({ ...w, unlock: true });
  t.teardown(() => ss.close());
  const vault = new KeychainVault({ logger: w.logger, env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: ss.address } });
  t.teardown(() => vault.close());

  t.same(await vault.list(), [], 'an empty keychain lists nothing');
  t.equal(await vault.load('work'), undefined);
  vault.save('work', record('aoa-1'));
  await waitUntil(async () => (await ss.items()).length === 1, 'the item is in the keychain', 5000);
  const [item] = await ss.items();
  t.equal(item!.label, 'keyring:work@aws-sso-agent', 'a label a person can find: session and service');
  t.same(item!.attributes, { service: 'aws-sso-agent', username: 'work' });
  t.equal(JSON.parse(item!.secret).token.refreshToken, 'aor-aoa-1');
  t.same(await vault.list(), ['work']);
  t.same(await vault.load('work'), record('aoa-1'), 'what was saved comes back');
  t.same(vault.describe(), { mode: 'keychain', state: 'ok' });

  vault.remove('work');
  await waitUntil(async () => (await ss.items()).length === 0, 'the item is gone', 5000);
  t.equal(await vault.load('work'), undefined);
  t.notOk(w.logs.some((l) => l.includes('"level":40')), 'no warning on the way');
});

t.test('writes in a burst: the last one wins, per session', async (t) => {
  const w = world();
  const ss = await startSecretService({ ...w, unlock: true });
  t.teardown(() => ss.close());
  const vault = new KeychainVault({ logger: w.logger, env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: ss.address } });
  for (let i = 1; i <= 20; i++) vault.save('work', record(`aoa-${i}`));
  vault.save('play', record('aoa-play'));
  vault.remove('play');
  t.teardown(() => vault.close());
  const tokenOf = (secret: string) => { try { return JSON.parse(secret).token.accessToken as string; } catch { return `unreadable ${secret.length} chars`; } };
  const kept = async () => (await ss.items()).map((i) => `${i.attributes.username}=${tokenOf(i.secret)}`);
  await waitUntil(async () => (await kept()).join() === 'work=aoa-20', 'only the last token of work is kept, and play is gone', 5000);
  t.same(await kept(), ['work=aoa-20'], 'the last token of the burst is the one kept; play was saved, then removed');
});

t.test('a damaged item is ignored with a warning; the vault keeps working', async (t) => {
  const w = world();
  const ss = await startSecretService({ ...w, unlock: true });
  t.teardown(() => ss.close());
  const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: ss.address };
  await store(env, 'work', '{"v":1,"startUrl":"https://x"');
  const vault = new KeychainVault({ logger: w.logger, env });
  t.equal(await vault.load('work'), undefined, 'nothing is restored from it');
  t.ok(w.logs.some((l) => /ignoring a damaged keychain item/.test(l) && /"why":"it is not JSON"/.test(l)), 'the warning says why');
  t.same(vault.describe(), { mode: 'keychain', state: 'ok' });
  vault.save('work', record('aoa-new'));
  await vault.close();
  t.equal(JSON.parse((await ss.items())[0]!.secret).token.accessToken, 'aoa-new', 'a login replaces it');
});

/** What another program (or a damaged disk) may leave in the item: secret-tool writes it. */
function store(env: NodeJS.ProcessEnv, account: string, text: string): Promise<void> {
  return new Promise<void>((res, rej) => {
    const p = spawn('secret-tool', ['store', '--label', 'junk', 'service', 'aws-sso-agent', 'username', account], { env, stdio: ['pipe', 'ignore', 'inherit'] });
    p.stdin.end(text);
    p.once('exit', (code) => (code === 0 ? res() : rej(new Error(`secret-tool store exited ${code}`))));
  });
}

/** Runs one load and checks it fails fast with one warning whose cause matches. */
async function expectUnavailable(t: Test, env: NodeJS.ProcessEnv, cause: RegExp, timeoutMs?: number) {
  const w = world();
  const vault = new KeychainVault({ logger: w.logger, env, ...(timeoutMs ? { timeoutMs } : {}) });
  const t0 = Date.now();
  t.equal(await vault.load('work'), undefined);
  const ms = Date.now() - t0;
  const d = vault.describe();
  t.equal(d.mode === 'keychain' && d.state, 'unavailable');
  t.match(d.mode === 'keychain' && d.state === 'unavailable' ? d.reason : '', cause);
  const warnings = w.logs.filter((l) => l.includes('keychain unavailable; sessions are kept in memory only'));
  t.equal(warnings.length, 1, 'one warning');
  t.match(warnings[0], cause, 'the log names the cause');
  vault.save('work', record('aoa-1'));
  t.same(await vault.list(), [], 'later calls are no-ops');
  t.equal(w.logs.filter((l) => l.includes('"level":40')).length, 1, 'and say nothing more');
  await vault.close();
  return ms;
}

t.test('a locked keyring: warned, memory only, at once', async (t) => {
  const w = world();
  // The first daemon creates the login keyring with a password; the second starts it locked.
  const first = await startSecretService({ ...w, unlock: true });
  await store({ ...process.env, DBUS_SESSION_BUS_ADDRESS: first.address }, 'work', 'kept from before the reboot');
  await first.close();
  const ss = await startSecretService({ ...w, unlock: false });
  t.teardown(() => ss.close());
  const ms = await expectUnavailable(t, { ...process.env, HOME: w.home, DBUS_SESSION_BUS_ADDRESS: ss.address }, /locked/);
  t.ok(ms < 5000, `answered in ${ms} ms`);
});

t.test('a bus without a Secret Service', async (t) => {
  const w = world();
  const bus = await startBus(w.runtimeDir, NO_SERVICES_BUS);
  t.teardown(() => bus.close());
  await expectUnavailable(t, { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address }, /no Secret Service on the session bus/);
});

t.test('no D-Bus at all: unset, or pointing nowhere', async (t) => {
  const env = { ...process.env };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  await expectUnavailable(t, { ...env, XDG_RUNTIME_DIR: world().runtimeDir }, /no D-Bus session bus/);
  await expectUnavailable(t, { ...env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(world().runtimeDir, 'nothing')}` }, /no D-Bus session bus/);
});

t.test('a bus that never answers: given up after the bound, the helper killed', async (t) => {
  const w = world();
  const path = join(w.runtimeDir, 'silent.sock');
  const held: Socket[] = [];
  let dropped = 0;
  // Reads and never answers: a D-Bus daemon that hangs after accept.
  const server = createServer((s) => { held.push(s); s.resume(); s.on('close', () => { dropped++; }); });
  await new Promise<void>((r) => server.listen(path, r));
  t.teardown(() => { for (const s of held) s.destroy(); server.close(); });
  const ms = await expectUnavailable(t, { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${path}` }, /did not answer within 1 s/, 1000);
  t.ok(ms >= 1000 && ms < 3000, `gave up after ${ms} ms`);
  t.ok(held.length > 0, 'the helper did connect');
  await waitUntil(() => dropped === held.length, 'the killed helper dropped its connection', 3000);
});
