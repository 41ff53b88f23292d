/**
 * The admin socket under clients that ask for a large /v1/profiles and never read the answer: the
 * reply is made as the client reads (a client that stops reading stops its serialisation), such a
 * client is cut after the idle timeout, and connections beyond the cap are not held.
 */
import t, { type Test } from 'tap';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.js';
import { buildAdminApp } from '../../src/server/admin-app.js';
import { ADMIN_LISTENER_LIMITS } from '../../src/server/connection-limits.js';
import { ADMIN_ROUTES } from '../../src/core/admin-api.js';
import { fakeCore, role } from '../support/fake-core.js';
import { tempDir } from '../support/temp-dirs.js';
import { waitUntil } from '../support/wait-until.js';

const N = 20_000;

async function setup(t: Test, idleTimeoutMs: number) {
  const core = fakeCore();
  let serialised = 0;
  // Each profile counts the times it is turned into JSON.
  core.roles.splice(0, core.roles.length, ...Array.from({ length: N }, (_, i) => {
    const r = role('work', String(100000000000 + i), `account-${i}-${'x'.repeat(60)}`, `Role${i}`);
    return Object.assign(r, { toJSON() { serialised++; const { toJSON: _x, ...rest } = this as typeof r & { toJSON: unknown }; return rest; } });
  }));
  const socket = join(tempDir(join(process.env.TMPDIR ?? '/tmp', 'admin-lim-')), 'a.sock');
  const app = buildAdminApp({
    core, keys: { agentKey: Buffer.alloc(32), runtimeDir: '/nowhere' }, logger: createLogger({ level: 'silent' }),
    info: () => ({ version: '0', pid: 1, port: 1, socket, startedAt: '', persist: { mode: 'memory' } }),
    limits: { ...ADMIN_LISTENER_LIMITS, idleTimeoutMs },
  });
  // The agent's side of each connection (a client that does not read never sees the close).
  const held = new Set<Socket>();
  let accepted = 0;
  app.server.on('connection', (c: Socket) => { accepted++; held.add(c); c.on('close', () => held.delete(c)); });
  await app.listen({ path: socket });
  t.teardown(() => app.close());
  return { socket, serialised: () => serialised, held: () => held.size, accepted: () => accepted };
}

/** Sends the request and reads nothing. */
function stalled(socket: string): { s: Socket } {
  const s = connect({ path: socket });
  s.on('connect', () => { s.write(`GET ${ADMIN_ROUTES.profiles} HTTP/1.1\r\nHost: localhost\r\n\r\n`); s.pause(); });
  s.on('error', () => {});
  return { s };
}

t.test('a client that never reads holds a socket buffer, not the catalog, and is cut after the idle timeout', async (t) => {
  const { socket, serialised, held, accepted } = await setup(t, 500);
  const clients = Array.from({ length: 20 }, () => stalled(socket));
  t.teardown(() => { for (const c of clients) c.s.destroy(); });
  await waitUntil(() => accepted() === clients.length && serialised() > 0, 'the agent started answering');
  await waitUntil(() => held() === 0, 'the agent cut every client that does not read', 10_000);
  t.ok(serialised() < clients.length * N / 4, `serialised ${serialised()} of ${clients.length * N} profiles: only what the clients could take`);
});

t.test('a reading client still gets the whole list, as JSON', async (t) => {
  const { socket } = await setup(t, 5_000);
  const body = await new Promise<string>((res, rej) => {
    const s = connect({ path: socket });
    let buf = '';
    s.on('connect', () => s.write(`GET ${ADMIN_ROUTES.profiles} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`));
    s.setEncoding('utf8');
    s.on('data', (c: string) => { buf += c; });
    s.on('end', () => res(buf));
    s.on('error', rej);
  });
  const text = body.slice(body.indexOf('\r\n\r\n') + 4).replace(/\r\n[0-9a-f]+\r\n/g, '').replace(/^[0-9a-f]+\r\n/, '').replace(/\r\n0\r\n\r\n$/, '');
  const list = JSON.parse(text) as Array<{ profile: string }>;
  t.equal(list.length, N);
  t.equal(list[N - 1]!.profile, `account-${N - 1}-${'x'.repeat(60)}-role${N - 1}`);
});

t.test('beyond the cap, connections are not held', async (t) => {
  const { socket, held, accepted } = await setup(t, 5_000);
  const clients = Array.from({ length: ADMIN_LISTENER_LIMITS.maxConnections + 36 }, () => stalled(socket));
  t.teardown(() => { for (const c of clients) c.s.destroy(); });
  await waitUntil(() => accepted() === clients.length, 'every connection reached the agent', 10_000);
  t.ok(held() <= ADMIN_LISTENER_LIMITS.maxConnections, `${held()} held of ${clients.length}`);
});
