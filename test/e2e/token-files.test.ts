/**
 * Token files (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) with a thousand profiles: an unchanged sync
 * rewrites none of them, a start rewrites them all after it listens, and temp files a killed run
 * left behind are removed at start. Needs `npm run build`.
 */
import t from 'tap';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import { isolatedWorld, runCli, spawnAgent, type Agent } from '../support/e2e-harness.js';
import { waitUntil } from '../support/wait-until.js';

const ACCOUNTS = 50;
const ROLES = 20;

t.test('an unchanged sync writes no token file; a start writes each once; stale temp files go', async (t) => {
  const em = await startEmulator({ autoApprove: true, accounts: ACCOUNTS, rolesPerAccount: ROLES, deviceInterval: 0 });
  t.teardown(() => em.close());
  const world = isolatedWorld(em.url);
  t.teardown(() => rmSync(world.home, { recursive: true, force: true }));
  let agent: Agent = await spawnAgent(world, ['--log-level', 'info']);
  t.teardown(() => agent.stop());
  const dir = join(dirname(world.socket), 'tokens');
  const login = await runCli(world, ['login', '--session', 'tf', '--start-url', em.startUrl, '--region', em.region, '--device-code', '--no-browser']);
  t.equal(login.code, 0, 'logged in', { stderr: login.stderr });
  const inodes = (): Map<string, number> => new Map(readdirSync(dir).filter((f) => !f.endsWith('.tmp')).map((f) => [f, statSync(join(dir, f)).ino]));
  // Every file written, and the writing settled (the same inodes twice in a row).
  let before = new Map<string, number>();
  await waitUntil(() => {
    const now = inodes();
    const settled = now.size === ACCOUNTS * ROLES && [...now].every(([f, ino]) => before.get(f) === ino);
    before = now;
    return settled;
  }, 'a token file per profile', 30_000);

  const sync = await runCli(world, ['sync']);
  t.equal(sync.code, 0, 'synced', { stderr: sync.stderr });
  // A rewrite, if any, starts right after the sync: give it a bounded chance to show.
  const changed = () => [...inodes()].filter(([f, ino]) => before.get(f) !== ino).length;
  await waitUntil(() => changed() > 0, 'a token file rewritten', 3_000).catch(() => {});
  t.equal(changed(), 0, 'an unchanged sync rewrites no token file');

  t.equal((await agent.stop()).code, 0);
  writeFileSync(join(dir, 'left-by-a-killed-run.1a2b3c.tmp'), 'half a tok');
  agent = await spawnAgent(world, ['--log-level', 'info']);
  t.same(readdirSync(dir).filter((f) => f.endsWith('.tmp') && f.startsWith('left-by')), [], 'the stale temp file is gone when the agent listens');
  await waitUntil(() => [...inodes()].every(([f, ino]) => before.get(f) !== ino), 'the start rewrote every file (new key, new tokens)', 30_000);
  t.pass('each file rewritten after the restart');
});
