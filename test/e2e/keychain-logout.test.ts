/**
 * `logout` under `serve --persist keychain` sticks even when the keychain fails: the item is never
 * restored, it is deleted as soon as the keychain answers again, and `logout` says when it may
 * remain. A real Secret Service (gnome-keyring-daemon on a private bus), locked to make it fail.
 */
import t, { type Test } from 'tap';
import { rmSync } from 'node:fs';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { SessionStatus } from '../../src/core/types.js';
import { isolatedWorld, loginPkce, runCli, spawnAgent, type Agent, type World } from '../support/e2e-harness.js';
import { startSecretService, type SecretService } from '../support/secret-service.js';
import { waitUntil } from '../support/wait-until.js';

const PERSIST = ['--persist', 'keychain'];

async function setup(t: Test, tokenTtl?: number): Promise<{ em: RunningEmulator; world: World; ss: SecretService; agent: () => Agent; restart(): Promise<void> }> {
  const em = await startEmulator({ autoApprove: true, accounts: 1, rolesPerAccount: 1, ...(tokenTtl ? { tokenTtl } : {}) });
  t.teardown(() => em.close());
  const world = isolatedWorld(em.url);
  t.teardown(() => rmSync(world.home, { recursive: true, force: true }));
  const ss = await startSecretService({ home: world.env.HOME!, runtimeDir: world.env.XDG_RUNTIME_DIR!, unlock: true });
  t.teardown(() => ss.close());
  world.env.DBUS_SESSION_BUS_ADDRESS = ss.address;
  let agent = await spawnAgent(world, PERSIST);
  t.teardown(() => agent.stop());
  const login = await loginPkce(world, ['--session', 'kc', '--start-url', em.startUrl, '--region', em.region]);
  t.equal(login.code, 0, 'logged in', { stderr: login.stderr });
  await waitUntil(async () => (await ss.items()).length === 1, 'the session is in the keychain', 5000);
  return {
    em, world, ss, agent: () => agent,
    async restart() {
      t.equal((await agent.stop()).code, 0);
      agent = await spawnAgent(world, PERSIST);
    },
  };
}

async function session(world: World): Promise<SessionStatus> {
  const r = await runCli(world, ['status', '--json']);
  return (JSON.parse(r.stdout) as { sessions: SessionStatus[] }).sessions[0]!;
}

t.test('a logout while the keychain fails: said so, never restored, deleted once the keychain answers', async (t) => {
  const { world, ss, restart } = await setup(t);
  await ss.lock();
  const out = await runCli(world, ['logout', '--session', 'kc']);
  t.equal(out.code, 0, out.stderr);
  t.match(out.stdout, /Logged out of kc\./);
  t.match(out.stdout, /aws-sso-agent\/kc: it may remain there\. The agent will not restore it/, 'the user learns the item may remain');
  t.equal((await ss.items()).length, 1, 'the locked keychain still holds it');

  await ss.unlock();
  await restart();
  t.match(await session(world), { name: 'kc', restored: false }, 'the next start does not restore the logged-out sign-in');
  t.not((await session(world)).state, 'active');
  t.same(await ss.items(), [], 'and it deleted the item first');
  const cp = await runCli(world, ['credential-process', (JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as Array<{ profile: string }>)[0]?.profile ?? 'x']);
  t.equal(cp.code, 1, 'no credentials are served');
});

t.test('a keychain failure earlier in the run does not switch the deletion off', async (t) => {
  // 4 s tokens: refreshed every 2 s, so a save fails while the keyring is locked.
  const { world, ss, agent, restart } = await setup(t, 4);
  await ss.lock();
  await waitUntil(() => agent().lines.some((l) => l.includes('keychain unavailable')), 'a save failed and the agent said so', 10_000);
  await ss.unlock();
  const out = await runCli(world, ['logout', '--session', 'kc']);
  t.equal(out.code, 0, out.stderr);
  t.notMatch(out.stdout, /may remain/, 'the keychain answered: nothing remains');
  t.same(await ss.items(), [], 'the logout deleted the item');
  await restart();
  t.match(await session(world), { name: 'kc', state: 'not-logged-in', restored: false }, 'nothing to restore');
});
