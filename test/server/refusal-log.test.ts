/**
 * 2 000 refused OAuth callbacks (wrong state) in a burst: the log gets one line at once and one
 * line with the count per window, not 2 000 lines; every refusal is counted.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.js';
import { buildCredentialsApp } from '../../src/server/credentials-app.js';
import { REFUSAL_LOG_WINDOW_MS } from '../../src/server/refusal-log.js';
import { fakeCore } from '../support/fake-core.js';

const PORT = 48123;

t.test('refused callbacks are logged once per window, with their count', async (t) => {
  const lines: Array<{ msg: string; refused?: number; level: number }> = [];
  const stream = new Writable({ write(c, _e, cb) { for (const l of String(c).split('\n').filter(Boolean)) lines.push(JSON.parse(l)); cb(); } });
  let now = Date.UTC(2026, 0, 1);
  const app = buildCredentialsApp({ core: fakeCore(), keys: { agentKey: randomBytes(32), runtimeDir: t.testdir() }, port: PORT, logger: createLogger({ level: 'info', stream }), now: () => now });
  const refuse = () => app.inject({ method: 'GET', url: '/oauth/callback?code=c&state=wrong', headers: { host: `127.0.0.1:${PORT}` } });
  for (let i = 0; i < 1000; i++) t.equal((await refuse()).statusCode, 400);
  now += REFUSAL_LOG_WINDOW_MS + 1;
  for (let i = 0; i < 1000; i++) await refuse();
  await app.close();
  await new Promise((r) => setImmediate(r));
  const refusals = lines.filter((l) => l.msg === 'OAuth callback refused');
  t.ok(refusals.length <= 4, `${refusals.length} log lines for 2000 refusals`);
  t.equal(refusals.reduce((n, l) => n + (l.refused ?? 0), 0), 2000, 'every refusal is counted');
  t.ok(refusals.every((l) => l.level === 40), 'as warnings');
});
