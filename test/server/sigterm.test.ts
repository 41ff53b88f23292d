import t from 'tap';
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { agentGet } from '../support/agent-get.js';
import { isolatedWorld, runCli, spawnAgent } from '../support/e2e-harness.js';

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`serve exits 0 within 2 s of ${signal} and removes its socket`, async (t) => {
    const world = isolatedWorld('http://127.0.0.1:9');
    const agent = await spawnAgent(world);
    t.equal(agent.socket, world.socket);
    t.equal(statSync(agent.socket).mode & 0o777, 0o600, 'socket 0600');
    t.equal(statSync(dirname(agent.socket)).mode & 0o777, 0o700, 'runtime dir 0700');
    const health = await agentGet(`http://127.0.0.1:${agent.port}/health`);
    t.equal(health.status, 200);
    t.equal(health.json<{ status: string }>().status, 'ok');

    // Keep a request in flight: a keep-alive connection must not hold the exit up either.
    const status = await runCli(world, ['status', '--json']);
    // No session is set up: status answers, with its "needs a login" exit (3).
    t.equal(status.code, 3, status.stderr);
    const { code, signal: sig, ms } = await agent.stop(signal);
    t.equal(code, 0, `exit 0 (stderr: ${agent.stderr()})`);
    t.equal(sig, null);
    t.ok(ms < 2000, `stopped in ${ms} ms`);
    t.notOk(existsSync(agent.socket), 'socket removed');
    t.ok(agent.lines.some((l) => l.includes('"msg":"stopped"')), 'logs that it stopped');
    const after = await runCli(world, ['status']);
    t.equal(after.code, 1);
    t.match(after.stderr, /not running/);
  });
}

t.test('a second serve on the same socket is refused; the first keeps serving', async (t) => {
  const world = isolatedWorld('http://127.0.0.1:9');
  const first = await spawnAgent(world);
  t.teardown(() => first.stop());
  const second = await spawnAgent(world).then(() => 'started', (e: Error) => e.message);
  t.match(second, /an agent is already running on .*agent\.sock/);
  const status = await runCli(world, ['status', '--json']);
  t.equal(JSON.parse(status.stdout).agent.port, first.port);
});

t.test('a stale socket from a killed agent is replaced on restart', async (t) => {
  const world = isolatedWorld('http://127.0.0.1:9');
  const first = await spawnAgent(world);
  const env1 = await runCli(world, ['status', '--json']);
  t.equal(env1.code, 3, 'it answers (no session yet: exit 3)');
  await first.stop('SIGKILL');
  t.ok(existsSync(world.socket), 'SIGKILL leaves the socket behind');
  const second = await spawnAgent(world);
  t.teardown(() => second.stop());
  const status = await runCli(world, ['status', '--json']);
  t.equal(JSON.parse(status.stdout).agent.pid, second.proc.pid);
});

t.test('serve: bad flags exit 2 with one line', async (t) => {
  const world = isolatedWorld('http://127.0.0.1:9');
  for (const args of [['serve', '--port', 'abc'], ['serve', '--log-level', 'loud'], ['serve', '--sync-interval', 'soon'], ['serve', 'extra']]) {
    const r = await runCli(world, args);
    t.equal(r.code, 2, args.join(' '));
    t.equal(r.stderr.trim().split('\n').length, 1);
  }
});
