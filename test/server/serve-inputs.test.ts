/** `serve` as a real process: SIGHUP, duration floors, the socket-path limit, simultaneous starts. Needs `npm run build`. */
import t from 'tap';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedWorld, runCli, spawnAgent, type World } from '../support/e2e-harness.js';
import { waitUntil } from '../support/wait-until.js';

async function sessionNames(world: World): Promise<string[]> {
  const r = await runCli(world, ['status', '--json']);
  return r.code === 0 || r.code === 3 ? (JSON.parse(r.stdout) as { sessions: Array<{ name: string }> }).sessions.map((s) => s.name) : [];
}

t.test('SIGHUP re-reads the sessions from the AWS config and keeps running', async (t) => {
  const world = isolatedWorld('http://127.0.0.1:9');
  const config = world.env.AWS_CONFIG_FILE as string;
  writeFileSync(config, '[sso-session first]\nsso_start_url = https://d-1111111111.awsapps.com/start\nsso_region = eu-west-1\n');
  const agent = await spawnAgent(world);
  t.teardown(() => agent.stop());
  t.same(await sessionNames(world), ['first']);
  writeFileSync(config, '[sso-session first]\nsso_start_url = https://d-1111111111.awsapps.com/start\nsso_region = eu-west-1\n' +
    '[sso-session second]\nsso_start_url = https://d-2222222222.awsapps.com/start\nsso_region = us-east-2\n');
  agent.proc.kill('SIGHUP');
  await waitUntil(async () => (await sessionNames(world)).includes('second'), 'the new session is listed', 10_000);
  t.equal(agent.proc.exitCode, null, 'still running');
  t.ok(existsSync(agent.socket), 'its socket is in place');
  t.ok(agent.lines.some((l) => l.includes('"msg":"configuration reloaded"')), 'logs the reload');
  const { code } = await agent.stop();
  t.equal(code, 0);
  t.notOk(existsSync(agent.socket), 'and a later SIGTERM still removes the socket');
});

t.test('--sync-interval has a floor of one minute; 0 and negative values are refused', async (t) => {
  const world = isolatedWorld('http://127.0.0.1:9');
  for (const v of ['0', '0s', '30s', '59999ms']) {
    const r = await runCli(world, ['serve', '--port', '0', '--sync-interval', v]);
    t.equal(r.code, 2, v);
    t.match(r.stderr, new RegExp(`^sso-agent: --sync-interval must be at least 1m, not "${v}"\\n$`));
  }
  const neg = await runCli(world, ['serve', '--port', '0', '--sync-interval=-5m']);
  t.equal(neg.code, 2, '-5m');
  t.match(neg.stderr, /--sync-interval takes a duration such as 8h/);
  t.notOk(existsSync(world.socket), 'nothing was started');
  const ok = await spawnAgent(world, ['--sync-interval', '1m']);
  t.equal((await ok.stop()).code, 0, '1m is accepted');
});

t.test('a --socket path over the unix-socket limit is refused before anything is created', async (t) => {
  const world = isolatedWorld('http://127.0.0.1:9');
  const dir = join(world.home, 'd'.repeat(100));
  const r = await runCli(world, ['serve', '--port', '0', '--socket', join(dir, 'agent.sock')]);
  t.equal(r.code, 1);
  t.match(r.stderr, /^sso-agent: the socket path is \d+ bytes, over the 10[37]-byte limit of unix sockets here: pass a shorter --socket/);
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line, no stack');
  t.notOk(existsSync(dir), 'no folder and no stray socket');
});

t.test('two serve started at once on one socket: the loser says an agent is already running there', async (t) => {
  const world = isolatedWorld('http://127.0.0.1:9');
  const runs = await Promise.allSettled([spawnAgent(world), spawnAgent(world)]);
  const won = runs.filter((r) => r.status === 'fulfilled');
  const lost = runs.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  t.teardown(() => Promise.all(won.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof spawnAgent>>>).value.stop())));
  t.equal(won.length, 1, 'one agent runs');
  t.equal(lost.length, 1);
  t.match(String(lost[0]?.reason), new RegExp(`an agent is already running on ${world.socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  t.notMatch(String(lost[0]?.reason), /port 0 is in use/);
  t.ok(existsSync(world.socket), 'the winner keeps its socket');
});
