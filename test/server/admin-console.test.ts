// GET /v1/console/:profile: what `sso-agent console` needs, from the core, through the admin API.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/logger.js';
import { buildAdminApp } from '../../src/server/admin-app.js';
import { ADMIN_ROUTES } from '../../src/cli/admin-client.js';
import { fakeCore } from '../support/fake-core.js';

function setup() {
  const core = fakeCore();
  const info = () => ({ version: '0.1.0', pid: 42, port: 48123, socket: '/tmp/x/agent.sock', startedAt: '2026-11-23T09:00:00.000Z' });
  const app = buildAdminApp({ core, keys: { agentKey: randomBytes(32), runtimeDir: '/tmp/x' }, info, logger: createLogger({ level: 'silent' }) });
  t.teardown(() => app.close());
  return { core, app };
}

t.test('credentials with the session region and start URL, never cached by anyone', async (t) => {
  const { app, core } = setup();
  for (const ref of ['dev-admin', '222222222222:Admin']) {
    const res = await app.inject({ method: 'GET', url: ADMIN_ROUTES.console(ref) });
    t.equal(res.statusCode, 200, ref);
    t.equal(res.headers['cache-control'], 'no-store');
    const body = res.json();
    t.has(body, { profile: 'dev-admin', accountId: '222222222222', region: 'us-east-1', startUrl: 'https://d-1234567890.awsapps.com/start', chained: false });
    t.match(body.accessKeyId, /^ASIA/);
    t.type(body.secretAccessKey, 'string');
    t.type(body.sessionToken, 'string');
    t.match(body.expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }
  const chained = core.roles.find((r) => r.profile === 'dev-admin');
  if (chained) chained.chained = true;
  t.equal((await app.inject({ method: 'GET', url: ADMIN_ROUTES.console('dev-admin') })).json().chained, true, 'a chained profile says so');
});

t.test('an unknown profile is 404, a logged-out session the login hint', async (t) => {
  const { app } = setup();
  const unknown = await app.inject({ method: 'GET', url: ADMIN_ROUTES.console('nope') });
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().Code, 'ProfileNotFound');
  const denied = await app.inject({ method: 'GET', url: ADMIN_ROUTES.console('sandbox-admin') });
  t.equal(denied.statusCode, 409);
  t.match(denied.json().Message, /sso-agent login --session play/);
});
