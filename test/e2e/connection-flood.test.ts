/**
 * Another local user floods the agent's TCP port with idle connections (more than the agent's
 * descriptor limit) and pipelined requests. The person's own SDK request is answered within a
 * bound, `sso-agent status` (the admin socket) keeps working, and the idle connections are closed
 * by the agent. Needs root (to create the second user and lower the agent's descriptor limit with
 * prlimit) and `npm run build`.
 */
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { ROOT, isolatedWorld, profileEnv, runCli, spawnAgent } from '../support/e2e-harness.js';
import { agentGet } from '../support/agent-get.js';
import { createOtherUser, runAs } from '../support/other-user.js';
import { waitUntil } from '../support/wait-until.js';

/** The agent's descriptors for this test: fewer than the idle connections the other user opens. */
const NOFILE = 1024;
const IDLE = 1500;
const FLOOD = 4;
/** What the person's request may take during the flood: within the retries of every SDK (JS: 4 attempts of 1 s, botocore: 3 of 2 s). */
const BOUND_MS = 4000;

/** A request that gives up after 5 s (a hung agent must fail the test, not hang it). */
function agentGetWithin(url: string, headers: Record<string, string>) {
  return Promise.race([agentGet(url, headers), new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no answer within 5 s')), 5000))]);
}

const user = createOtherUser(t, 'ssoa20f');
if (!user) t.skip('creating a second unix user needs root (CI runs as root)', () => {});
else t.test('a flood from another user: the SDK request is answered in time, status works, idle connections are closed', (t) => main(t, user.name));

async function main(t: Test, other: string): Promise<void> {
  const em = await startEmulator({ autoApprove: true, accounts: 1, rolesPerAccount: 1, deviceInterval: 0 });
  t.teardown(() => em.close());
  const world = isolatedWorld(em.url);
  t.teardown(() => rmSync(world.home, { recursive: true, force: true }));
  // info, not debug: the person's SDKs meet the agent as it runs day to day.
  const agent = await spawnAgent(world, ['--log-level', 'info']);
  t.teardown(() => agent.stop());
  const lim = spawnSync('prlimit', ['--pid', String(agent.proc.pid), `--nofile=${NOFILE}:${NOFILE}`], { encoding: 'utf8' });
  t.equal(lim.status, 0, `prlimit: ${lim.stderr}`);
  const login = await runCli(world, ['login', '--session', 'f', '--start-url', em.startUrl, '--region', em.region, '--device-code', '--no-browser']);
  t.equal(login.code, 0, 'logged in', { stderr: login.stderr });
  const role = (JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[])[0]!;
  const env = await profileEnv(world, role.profile);
  const get = () => agentGetWithin(env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { authorization: env.AWS_CONTAINER_AUTHORIZATION_TOKEN });
  t.equal((await get()).status, 200, 'warm before the flood');

  const flood = runAs(other, process.execPath, [join(ROOT, 'test/support/flood.cjs'), String(agent.port), String(IDLE), String(FLOOD)]);
  t.teardown(() => flood.stop());
  const last = () => JSON.parse(flood.lines.at(-1) ?? '{}') as { open?: number; closedByAgent?: number; floodAnswers?: number };
  await waitUntil(() => (last().floodAnswers ?? 0) > 1000 && (last().closedByAgent ?? 0) + (last().open ?? 0) >= IDLE, 'the flood is under way', 20_000);

  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const r = await get();
    times.push(performance.now() - t0);
    t.equal(r.status, 200, `request ${i} answered during the flood`);
  }
  const worst = Math.max(...times);
  t.ok(worst < BOUND_MS, `the worst of 10 requests took ${Math.round(worst)} ms (bound ${BOUND_MS} ms)`);
  const status = await runCli(world, ['status']);
  t.equal(status.code, 0, 'status works during the flood', { stderr: status.stderr });
  await waitUntil(() => (last().open ?? IDLE) <= 512, 'the agent holds no more idle connections than its cap', 30_000);
  t.ok(flood.lines.length > 0, 'the other user really ran');
}
