import t from 'tap';
import { mkdtempSync, readFileSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { adminRequest, ADMIN_ROUTES } from '../src/cli/admin-client.js';
import { createLogger } from '../src/logger.js';
import { startDaemon, type RunningDaemon } from '../src/daemon.js';
import { waitUntil } from './support/wait-until.js';
import { fakeCore } from './support/fake-core.js';

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

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const c = connect({ host: '127.0.0.1', port }, () => c.write(text));
    c.on('data', (b: Buffer) => chunks.push(b));
    c.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    c.on('error', reject);
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
  t.notOk(existsSync(join(dir, 'token.key')), 'no key on disk: it lives in memory for this process only');
  // Written in the background once the agent listens (thousands of files must not delay it).
  await waitUntil(() => fakeCore().roles.every((r) => existsSync(join(dir, 'tokens', r.profile))), 'a token file per profile', 5000);
  for (const r of fakeCore().roles) {
    t.equal(statSync(join(dir, 'tokens', r.profile)).mode & 0o777, 0o600, `${r.profile}: a private token file from the start`);
  }

  const env = await adminRequest<{ uri: string; token: string; tokenFile: string }>('GET', ADMIN_ROUTES.env('prod-admin'), undefined, { socket });
  t.equal(readFileSync(env.tokenFile, 'utf8'), env.token);
  t.equal(env.uri, `http://127.0.0.1:${d.port}/v1/credentials/prod-admin`);
  const ok = await get(d.port, '/v1/credentials/prod-admin', { authorization: env.token });
  t.equal(ok.status, 200);
  t.match(JSON.parse(ok.body), { AccountId: '111111111111' });

  // Two Host headers cannot be sent through node's client or inject(): write the request by hand.
  const twoHosts = await rawRequest(d.port, `GET /v1/credentials/prod-admin HTTP/1.1\r\nHost: 127.0.0.1:${d.port}\r\nHost: evil.example\r\nAuthorization: ${env.token}\r\nConnection: close\r\n\r\n`);
  t.match(twoHosts, /^HTTP\/1\.1 400 /, 'duplicate Host: 400 (RFC 9112)');
  t.match(twoHosts, /"Code":"BadRequest".*more than one Host/);
  t.notMatch(twoHosts, /ASIA|secret/);

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
  const env2 = await adminRequest<{ token: string; tokenFile: string }>('GET', ADMIN_ROUTES.env('prod-admin'), undefined, { socket });
  t.not(env2.token, env.token, 'tokens rotate at every start');
  const stale = await get(again.port, '/v1/credentials/prod-admin', { authorization: env.token });
  t.equal(stale.status, 403, 'a token from before the restart is refused');
  t.match(JSON.parse(stale.body), { Code: 'AccessDenied', Message: /sso-agent env prod-admin/ });
  t.notMatch(stale.body, /secret|ASIA/);
  t.equal(env2.tokenFile, env.tokenFile, 'the token file keeps its path');
  const fromFile = readFileSync(env.tokenFile, 'utf8');
  t.equal(fromFile, env2.token, 'and holds the new token');
  t.equal((await get(again.port, '/v1/credentials/prod-admin', { authorization: fromFile })).status, 200, 'so a client that reads the file keeps working');
});

t.test('the token files: every one already there is rewritten at start, even for a profile not (yet) in the catalog', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'sso-agent-d-')), 'run');
  const socket = join(dir, 'agent.sock');
  const first = await start(socket);
  await first.close();
  const orphan = join(dir, 'tokens', 'gone-profile');
  writeFileSync(orphan, 'old-token', { mode: 0o600 });
  const d = await startDaemon({ port: 0, socket, logger: capture().logger, createCore: async () => ({ ...fakeCore(), listProfiles: () => [] }) });
  t.teardown(() => d.close());
  await waitUntil(() => readFileSync(orphan, 'utf8') !== 'old-token', 'the orphan rewritten with this start\'s token', 5000);
  t.not(readFileSync(join(dir, 'tokens', 'prod-admin'), 'utf8'), '', 'files of earlier profiles too');
});

t.test('a socket path over the platform limit is refused before anything is created', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'sso-agent-d-'));
  const dir = join(base, 'x'.repeat(120));
  await t.rejects(startDaemon({ port: 0, socket: join(dir, 'agent.sock'), logger: capture().logger, createCore: async () => fakeCore() }),
    { code: 'InvalidInput', message: /over the \d+-byte limit.*--socket/ });
  t.notOk(existsSync(dir), 'no folder, no socket left behind');
});

t.test('two agents started at once on one socket: the loser says an agent is already running there', async (t) => {
  const socket = join(mkdtempSync(join(tmpdir(), 'sso-agent-d-')), 'agent.sock');
  const results = await Promise.allSettled([start(socket), start(socket), start(socket)]);
  const won = results.filter((r): r is PromiseFulfilledResult<RunningDaemon> => r.status === 'fulfilled');
  t.teardown(() => Promise.all(won.map((r) => r.value.close())));
  t.equal(won.length, 1, 'one agent runs');
  for (const r of results) {
    if (r.status === 'rejected') t.match(r.reason, { code: 'AgentAlreadyRunning', message: new RegExp(`already running on ${socket}`) });
  }
  t.ok(existsSync(socket), 'the winner keeps its socket');
  t.ok(await adminRequest('GET', ADMIN_ROUTES.status, undefined, { socket }));
});

t.test('reload re-reads the configuration and keeps serving', async (t) => {
  const socket = join(mkdtempSync(join(tmpdir(), 'sso-agent-d-')), 'agent.sock');
  const core = fakeCore();
  const d = await startDaemon({ port: 0, socket, logger: capture().logger, createCore: async () => core });
  t.teardown(() => d.close());
  await d.reload();
  t.equal(core.calls.reload, 1);
  t.ok(await adminRequest('GET', ADMIN_ROUTES.status, undefined, { socket }), 'still answering');
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
  const core = fakeCore();
  const d = await startDaemon({ port: 0, socket, logger: capture().logger, createCore: async () => core });
  const wait = adminRequest('POST', ADMIN_ROUTES.loginWait, { session: 'work' }, { socket }).catch((e: unknown) => e);
  await waitUntil(() => core.waitSignals.length > 0, 'the long poll reached the core');
  const t0 = Date.now();
  await d.close();
  const took = Date.now() - t0;
  t.ok(took < 2000, `closed in ${took} ms`);
  t.ok((await wait) instanceof Error, 'the long poll was cut');
  t.notOk(existsSync(socket));
});
