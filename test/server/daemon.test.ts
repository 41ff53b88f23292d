import t from 'tap';
import { mkdtempSync, statSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { adminRequest, ADMIN_ROUTES } from '../../src/cli/admin-client.js';
import { createLogger } from '../../src/logger.js';
import { startDaemon, type RunningDaemon } from '../../src/server/daemon.js';
import { fakeCore } from '../support/fake-core.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(...String(chunk).split('\n').filter(Boolean)); cb(); } });
  return { lines, logger: createLogger({ level: 'debug', stream }) };
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function start(socket: string, log = capture()): Promise<RunningDaemon> {
  return startDaemon({ port: 0, socket, logger: log.logger, createCore: async () => fakeCore() });
}

t.test('the daemon: listening line, private socket and key, real HTTP and admin socket', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'sso-agent-d-')), 'run');
  const socket = join(dir, 'agent.sock');
  const log = capture();
  const d = await start(socket, log);
  t.teardown(() => d.close());
  const listening = log.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'listening');
  t.ok(listening, 'logs a listening line');
  t.equal(listening.port, d.port);
  t.equal(listening.socket, socket);
  t.ok(d.port > 0);
  t.equal(statSync(dir).mode & 0o777, 0o700);
  t.equal(statSync(socket).mode & 0o777, 0o600);
  t.equal(statSync(join(dir, 'token.key')).mode & 0o777, 0o600);

  const env = await adminRequest<{ uri: string; token: string }>('GET', ADMIN_ROUTES.env('prod-admin'), undefined, { socket });
  t.equal(env.uri, `http://127.0.0.1:${d.port}/v1/credentials/prod-admin`);
  const ok = await get(d.port, '/v1/credentials/prod-admin', { authorization: env.token });
  t.equal(ok.status, 200);
  t.match(JSON.parse(ok.body), { AccountId: '111111111111' });

  const big = await get(d.port, '/health', { 'x-pad': 'a'.repeat(10_000) });
  t.equal(big.status, 431, 'headers over the limit are refused by node');

  const status = await adminRequest<{ agent: { port: number; socket: string; pid: number } }>('GET', ADMIN_ROUTES.status, undefined, { socket });
  t.same({ port: status.agent.port, socket: status.agent.socket, pid: status.agent.pid }, { port: d.port, socket, pid: process.pid });

  await t.rejects(start(socket), { code: 'AgentAlreadyRunning' }, 'a second agent on the same socket is refused');
  t.ok(existsSync(socket), 'and the first one keeps its socket');

  await d.close();
  t.notOk(existsSync(socket), 'close removes the socket');
  await t.rejects(adminRequest('GET', ADMIN_ROUTES.status, undefined, { socket }), { code: 'AgentNotRunning', message: /sso-agent serve/ });

  const again = await start(socket);
  t.teardown(() => again.close());
  const env2 = await adminRequest<{ token: string }>('GET', ADMIN_ROUTES.env('prod-admin'), undefined, { socket });
  t.equal(env2.token, env.token, 'the token survives a restart');
  const ok2 = await get(again.port, '/v1/credentials/prod-admin', { authorization: env.token });
  t.equal(ok2.status, 200, 'an exported token keeps working after the restart');
});

t.test('refuses a busy port', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'sso-agent-d-'));
  const d = await start(join(base, 'b.sock'));
  t.teardown(() => d.close());
  await t.rejects(startDaemon({ port: d.port, socket: join(base, 'c.sock'), logger: capture().logger, createCore: async () => fakeCore() }),
    { code: 'InvalidInput', message: /in use.*--port/ });
  t.notOk(existsSync(join(base, 'c.sock')));
});

t.test('close finishes in-flight requests and cuts long polls within the grace period', async (t) => {
  const socket = join(mkdtempSync(join(tmpdir(), 'sso-agent-d-')), 'agent.sock');
  const d = await start(socket);
  const wait = adminRequest('POST', ADMIN_ROUTES.loginWait, { session: 'work' }, { socket }).catch((e: unknown) => e);
  await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.now();
  await d.close();
  const took = Date.now() - t0;
  t.ok(took < 2000, `closed in ${took} ms`);
  t.ok((await wait) instanceof Error, 'the long poll was cut');
  t.notOk(existsSync(socket));
});
