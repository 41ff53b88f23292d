/**
 * `serve --persist keychain` end to end, against a real Secret Service (gnome-keyring-daemon on a
 * private bus, its keyrings under the test's HOME): a login is kept, a restart serves credentials
 * to the AWS CLI without a login, the item is what secret-tool shows, logout deletes it, and no
 * issued secret lands in a plain file. A locked keyring and a machine without D-Bus warn and run
 * memory-only, without a hang; without the flag the keychain stays empty.
 */
import t, { type Test } from 'tap';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { PersistStatus } from '../../src/core/admin-api.js';
import type { CatalogRole, SessionStatus } from '../../src/core/types.js';
import { MAIN, isolatedWorld, loginPkce, run, runCli, spawnAgent, type World } from '../support/e2e-harness.js';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import { filesUnder } from '../support/files-under.js';
import { waitUntil } from '../support/wait-until.js';

const PERSIST = ['--persist', 'keychain'];


async function setup(t: Test, o: { unlock?: boolean; bus?: boolean; tokenTtl?: number } = {}): Promise<{ em: RunningEmulator; world: World; ss?: SecretService }> {
  const em = await startEmulator({ autoApprove: true, accounts: 2, rolesPerAccount: 2, ...(o.tokenTtl ? { tokenTtl: o.tokenTtl } : {}) });
  t.teardown(() => em.close());
  const world = isolatedWorld(em.url);
  t.teardown(() => rmSync(world.home, { recursive: true, force: true }));
  delete world.env.DBUS_SESSION_BUS_ADDRESS;
  if (o.bus === false) return { em, world };
  const ss = await startSecretService({ home: world.env.HOME!, runtimeDir: world.env.XDG_RUNTIME_DIR!, unlock: o.unlock ?? true });
  t.teardown(() => ss.close());
  world.env.DBUS_SESSION_BUS_ADDRESS = ss.address;
  return { em, world, ss };
}

async function status(world: World): Promise<{ agent: { persist?: PersistStatus }; sessions: SessionStatus[] }> {
  const r = await runCli(world, ['status', '--json']);
  return JSON.parse(r.stdout);
}

const login = (world: World, em: RunningEmulator) => loginPkce(world, ['--session', 'kc', '--start-url', em.startUrl, '--region', em.region]);
const tokenIn = (ss: SecretService) => ss.items().then((items) => items.map((i) => {
  try { return JSON.parse(i.secret) as { startUrl: string; token: { accessToken: string; refreshToken?: string } }; } catch { return undefined; }
}));

t.test('a login outlives a restart; the AWS CLI gets credentials without a new login; logout deletes the item', async (t) => {
  // 4 s tokens: refreshed every 2 s, so the item must follow each rotation, and a restart refreshes.
  const { em, world, ss } = await setup(t, { tokenTtl: 4 });
  let agent = await spawnAgent(world, PERSIST);
  t.teardown(() => agent.stop());
  const logs = [agent.lines];
  const first = await login(world, em);
  t.equal(first.code, 0, 'logged in', { stderr: first.stderr });

  await waitUntil(async () => Boolean((await tokenIn(ss!))[0]?.token.refreshToken), 'the session is in the keychain', 5000);
  const [item] = await ss!.items();
  t.equal(item!.label, 'keyring:kc@aws-sso-agent', 'one item, named for the session and the agent');
  t.same(item!.attributes, { service: 'aws-sso-agent', username: 'kc' });
  const stored = (await tokenIn(ss!))[0]!;
  t.equal(stored.startUrl, em.startUrl);
  await waitUntil(async () => (await tokenIn(ss!))[0]?.token.accessToken !== stored.token.accessToken, 'the refreshed token replaced the stored one', 8000);
  t.pass('a token rotation updates the item');

  t.equal((await agent.stop()).code, 0);
  const before = ((await (await fetch(`${em.url}/_emulator/stats`)).json()) as { calls: Record<string, number> }).calls;
  agent = await spawnAgent(world, PERSIST);
  logs.push(agent.lines);
  const s = await status(world);
  t.same(s.agent.persist, { mode: 'keychain', state: 'ok' });
  // 4 s tokens are refreshed every 2 s: the session may be caught mid-refresh, which serves as well.
  t.match(s.sessions, [{ name: 'kc', state: /^(active|refreshing)$/, restored: true, accounts: 2, roles: 4 }], 'restored, and the catalog re-listed');
  const text = (await runCli(world, ['status'])).stdout;
  t.match(text, /^kc\s+(active|refreshing) \(restored\)/m, 'the table says so');
  t.match(text, /kept in the OS keychain/);
  t.ok(agent.lines.some((l) => l.includes('"msg":"session restored from the keychain"')));
  t.notOk(agent.lines.some((l) => l.includes('"msg":"logged in"')), 'no login in this run');
  const after = ((await (await fetch(`${em.url}/_emulator/stats`)).json()) as { calls: Record<string, number> }).calls;
  t.equal(after.RegisterClient ?? 0, before.RegisterClient ?? 0, 'no new client registration');

  const roles = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];
  const role = roles[1]!;
  const config = join(world.home, 'home/.aws/config-process');
  writeFileSync(config, `[profile via-process]\ncredential_process = "${process.execPath}" "${MAIN}" credential-process ${role.profile}\nregion = ${em.region}\n`);
  const aws = await run('aws', ['sts', 'get-caller-identity', '--profile', 'via-process', '--endpoint-url', em.url, '--output', 'json'], { ...world.env, AWS_CONFIG_FILE: config });
  t.equal(aws.code, 0, aws.stderr);
  t.match(JSON.parse(aws.stdout).Arn, new RegExp(`^arn:aws:sts::${role.accountId}:assumed-role/AWSReservedSSO_${role.roleName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_`), 'the AWS CLI signed with the served credentials');

  t.equal((await runCli(world, ['logout', '--session', 'kc'])).code, 0);
  await waitUntil(async () => (await ss!.items()).length === 0, 'logout deleted the item', 5000);
  t.equal((await agent.stop()).code, 0);
  agent = await spawnAgent(world, PERSIST);
  logs.push(agent.lines);
  t.match((await status(world)).sessions, [{ name: 'kc', state: 'not-logged-in', restored: false }], 'after a logout a restart restores nothing');
  await agent.stop();

  // Every secret the emulator issued, against every file under HOME, TMPDIR and the runtime dir
  // (the keyring file among them: gnome-keyring encrypts it with the login password).
  const { secrets } = await (await fetch(`${em.url}/_emulator/secrets`)).json() as { secrets: string[] };
  t.ok(secrets.includes(stored.token.accessToken), 'the list holds what the keychain held (the check can fail)');
  const files = filesUnder(world.home);
  t.ok(files.some((f) => f.endsWith('login.keyring')), 'the keyring file is among the files checked');
  for (const f of files) {
    const bytes = readFileSync(f).toString('latin1');
    for (const secret of secrets) if (bytes.includes(secret)) t.fail(`a secret (${secret.slice(0, 4)}…) is in ${f}`);
  }
  const log = logs.flat().join('\n');
  for (const secret of secrets) if (log.includes(secret)) t.fail(`a secret (${secret.slice(0, 4)}…) is in the agent's log`);
  t.pass(`checked ${files.length} files and ${logs.flat().length} log lines against ${secrets.length} secrets`);
});

async function expectMemoryOnly(t: Test, world: World, em: RunningEmulator, cause: RegExp): Promise<void> {
  const t0 = Date.now();
  const agent = await spawnAgent(world, PERSIST);
  t.teardown(() => agent.stop());
  t.ok(Date.now() - t0 < 10_000, `listening after ${Date.now() - t0} ms`);
  const r = await login(world, em);
  t.equal(r.code, 0, 'a login still works, in memory', { stderr: r.stderr });
  const s = await status(world);
  t.equal(s.agent.persist?.mode === 'keychain' && s.agent.persist.state, 'unavailable');
  t.match(s.agent.persist?.mode === 'keychain' && s.agent.persist.state === 'unavailable' ? s.agent.persist.reason : '', cause);
  t.match(s.sessions, [{ name: 'kc', state: 'active', restored: false }]);
  t.match((await runCli(world, ['status'])).stdout, /warning: keychain unavailable, sessions are kept in memory only/);
  const warnings = agent.lines.filter((l) => l.includes('"msg":"keychain unavailable; sessions are kept in memory only until the agent restarts"'));
  t.equal(warnings.length, 1, 'one warning in the log');
  t.match(warnings[0], cause, 'naming the cause');
  t.equal((await agent.stop()).code, 0);
}

t.test('a locked keyring: a warning naming it, then memory only, no hang', async (t) => {
  const { em, world, ss } = await setup(t);
  // What a reboot leaves: the item from before, in a keyring nobody unlocked since.
  await run('sh', ['-c', 'printf stale | secret-tool store --label stale service aws-sso-agent username kc'], world.env);
  t.equal((await ss!.items()).length, 1);
  await ss!.close();
  const locked = await startSecretService({ home: world.env.HOME!, runtimeDir: world.env.XDG_RUNTIME_DIR!, unlock: false });
  t.teardown(() => locked.close());
  world.env.DBUS_SESSION_BUS_ADDRESS = locked.address;
  await expectMemoryOnly(t, world, em, /keychain is locked/);
});

t.test('no D-Bus (headless Linux): a warning naming it, then memory only', async (t) => {
  const { em, world } = await setup(t, { bus: false });
  await expectMemoryOnly(t, world, em, /no D-Bus session bus/);
});

t.test('--persist takes only keychain', async (t) => {
  const r = await run(process.execPath, [MAIN, 'serve', '--persist', 'file'], process.env);
  t.equal(r.code, 2);
  t.match(r.stderr, /--persist takes keychain, not "file"/);
});

t.test('without --persist the keychain is never touched', async (t) => {
  const { em, world, ss } = await setup(t);
  const agent = await spawnAgent(world);
  t.teardown(() => agent.stop());
  t.equal((await login(world, em)).code, 0);
  t.same((await status(world)).agent.persist, { mode: 'memory' });
  t.notMatch((await runCli(world, ['status'])).stdout, /keychain/);
  t.equal((await agent.stop()).code, 0);
  t.same(await ss!.items(), [], 'the keychain is empty');
});
