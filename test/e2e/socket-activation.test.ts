/**
 * Socket activation for real: systemd-socket-activate (Debian's systemd package) binds the port,
 * as sso-agent.socket does under systemd, and starts `serve` on the first connection with the
 * listening socket as fd 3 (LISTEN_FDS=1, LISTEN_PID). Needs `npm run build`.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { adminRequest, ADMIN_ROUTES } from '../../src/cli/admin-client.js';
import { agentGet } from '../support/agent-get.js';
import { MAIN, isolatedWorld } from '../support/e2e-harness.js';
import { waitUntil } from '../support/wait-until.js';
import { freePort } from '../support/free-port.js';


function activate(listen: string, args: string[], env: NodeJS.ProcessEnv) {
  // It hands the program only PATH, HOME and TERM unless told: pass the isolated world with -E.
  const pass = Object.entries(env).filter(([k, v]) => v !== undefined && /^(HOME|TMPDIR|XDG_|AWS_|SSO_AGENT_)/.test(k)).flatMap(([k, v]) => ['-E', `${k}=${v}`]);
  const child = spawn('systemd-socket-activate', ['-l', listen, ...pass, process.execPath, MAIN, 'serve', '--log-level', 'info', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { err += c; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, out: () => out, err: () => err };
}

t.test('serve takes the socket systemd hands it: the first connection starts it and is answered', async (t) => {
  const world = isolatedWorld('http://127.0.0.1:9');
  const port = await freePort();
  // --port names another port on purpose: an inherited socket wins over it.
  const a = activate(`127.0.0.1:${port}`, ['--port', '1'], world.env);
  t.teardown(() => { a.child.kill('SIGTERM'); });
  await waitUntil(() => a.err().includes(`Listening on 127.0.0.1:${port}`), 'systemd-socket-activate listens', 10_000);
  t.notMatch(a.out(), /listening/, 'the agent is not started before a connection arrives');

  // This connection waits in the socket's queue while node starts, as under sso-agent.socket.
  const health = await agentGet(`http://127.0.0.1:${port}/health`);
  t.equal(health.status, 200);
  t.equal(health.json<{ status: string }>().status, 'ok');
  await waitUntil(() => a.out().includes('"msg":"listening"'), 'the agent logs its listening line', 10_000);
  const listening = a.out().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; port?: number }).find((l) => l.msg === 'listening');
  t.equal(listening?.port, port, 'it serves on the inherited port, not --port');

  const status = await adminRequest<{ agent: { port: number } }>('GET', ADMIN_ROUTES.status, undefined, { socket: world.socket });
  t.equal(status.agent.port, port, 'the admin API reports that port, so `env` prints URLs on it');

  a.child.kill('SIGTERM');
  t.equal(await a.exited, 0, 'SIGTERM: a clean exit');
});

t.test('an inherited socket that is not on loopback is refused, not served', async (t) => {
  const world = isolatedWorld('http://127.0.0.1:9');
  const port = await freePort();
  const a = activate(`0.0.0.0:${port}`, [], world.env);
  t.teardown(() => { a.child.kill('SIGKILL'); });
  await waitUntil(() => a.err().includes(`Listening on 0.0.0.0:${port}`), 'systemd-socket-activate listens', 10_000);
  const r = await agentGet(`http://127.0.0.1:${port}/health`).then((x) => x.status, () => 'no answer');
  t.not(r, 200, 'nothing is served');
  t.equal(await a.exited, 1);
  t.match(a.err(), /listens on 0\.0\.0\.0: the agent serves credentials on loopback only, set ListenStream=127\.0\.0\.1:PORT/);
});
