import t from 'tap';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/logger.js';
import { buildAdminApp } from '../../src/server/admin-app.js';
import { ADMIN_ROUTES } from '../../src/cli/admin-client.js';
import { fakeCore } from '../support/fake-core.js';

const info = () => ({ version: '0.1.0', pid: 42, port: 48123, socket: '/tmp/x/agent.sock', startedAt: '2026-11-23T09:00:00.000Z' });

t.test('POST /v1/stop answers with the pid, then asks the serve command to stop', async (t) => {
  let stops = 0;
  const app = buildAdminApp({ core: fakeCore(), keys: { agentKey: randomBytes(32), runtimeDir: t.testdir() }, info, logger: createLogger({ level: 'silent' }), onStopRequested: () => { stops++; } });
  const r = await app.inject({ method: 'POST', url: ADMIN_ROUTES.stop, payload: {} });
  t.equal(r.statusCode, 200);
  t.same(r.json(), { pid: 42 });
  await new Promise((res) => setImmediate(res));
  t.equal(stops, 1, 'stopped once, after the reply');
  t.equal((await app.inject({ method: 'GET', url: ADMIN_ROUTES.stop })).statusCode, 405, 'GET is not a stop');
});

t.test('an agent without a stop hook (embedded) says so', async (t) => {
  const app = buildAdminApp({ core: fakeCore(), keys: { agentKey: randomBytes(32), runtimeDir: t.testdir() }, info, logger: createLogger({ level: 'silent' }) });
  const r = await app.inject({ method: 'POST', url: ADMIN_ROUTES.stop, payload: {} });
  t.equal(r.statusCode, 400);
  t.match(r.json(), { Code: 'InvalidInput', Message: /not stopped through its socket/ });
});
