/**
 * createLimitedServer, the one function every listener is made with, against clients that hold
 * connections: half a header (slowloris), silence, more connections than the cap, a pipelined flood.
 * Short limits so each case settles in a second or so.
 */
import t, { type Test } from 'tap';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createLimitedServer, type ListenerLimits } from '../../src/server/connection-limits.js';
import { waitUntil } from '../support/wait-until.js';

const LIMITS: ListenerLimits = {
  maxConnections: 8, headersTimeoutMs: 500, requestTimeoutMs: 800, keepAliveTimeoutMs: 300, idleTimeoutMs: 1000, maxRequestsPerSocket: 10,
};

async function server(t: Test) {
  const s = createLimitedServer(LIMITS, (_req, res) => { res.end('ok'); });
  const held = new Set<Socket>();
  s.on('connection', (c: Socket) => { held.add(c); c.on('close', () => held.delete(c)); });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  t.teardown(() => { s.closeAllConnections(); s.close(); });
  return { port: (s.address() as AddressInfo).port, held };
}

function client(port: number, send?: string): { s: Socket; closed: () => boolean; data: () => string } {
  let closed = false;
  let data = '';
  const s = connect(port, '127.0.0.1');
  s.on('connect', () => { if (send) s.write(send); });
  s.on('data', (c) => { data += c; });
  s.on('close', () => { closed = true; });
  s.on('error', () => {});
  return { s, closed: () => closed, data: () => data };
}

t.test('half a header is cut after the header timeout; silence after the idle timeout', async (t) => {
  const { port } = await server(t);
  const slow = client(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
  const silent = client(port);
  t.teardown(() => { slow.s.destroy(); silent.s.destroy(); });
  const t0 = performance.now();
  await waitUntil(() => slow.closed(), 'the slow header is cut', 5000);
  t.ok(performance.now() - t0 < 3000, 'within the header timeout (and its 1 s check)');
  await waitUntil(() => silent.closed(), 'the silent connection is cut', 5000);
});

t.test('at the cap a newcomer takes the slot of the longest-idle connection and is answered', async (t) => {
  const { port, held } = await server(t);
  const idle = Array.from({ length: LIMITS.maxConnections }, () => client(port));
  t.teardown(() => { for (const c of idle) c.s.destroy(); });
  await waitUntil(() => held.size === LIMITS.maxConnections, 'the cap is reached');
  const mine = client(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  t.teardown(() => mine.s.destroy());
  await waitUntil(() => mine.data().includes('ok'), 'the newcomer is answered');
  t.ok(held.size <= LIMITS.maxConnections, 'never more than the cap');
  await waitUntil(() => idle[0]!.closed(), 'the longest-idle connection made room');
});

t.test('a pipelined flood is cut after its share of requests', async (t) => {
  const { port } = await server(t);
  const flood = client(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(100));
  t.teardown(() => flood.s.destroy());
  await waitUntil(() => flood.closed(), 'the flooding connection is cut');
  const answered = (flood.data().match(/HTTP\/1\.1 200/g) ?? []).length;
  t.ok(answered >= 1 && answered <= LIMITS.maxRequestsPerSocket, `${answered} of 100 pipelined requests answered, no more than its share`);
});
