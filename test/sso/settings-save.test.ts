/**
 * Twenty `login --start-url` for new sessions at once: each adds a session and saves settings.json.
 * Every one succeeds, and the file ends holding all twenty.
 */
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { harness } from '../support/sso-harness.js';

t.test('overlapping saves of settings.json all succeed and none is lost', async (t) => {
  const h = await harness({ noConfigSessions: true });
  t.teardown(() => h.close());
  const n = 20;
  const urls = Array.from({ length: n }, () => h.em.startUrl);
  const results = await Promise.allSettled(urls.map((startUrl, i) => h.core.startLogin({ flow: 'device', session: `s${i}`, startUrl, region: h.em.region })));
  const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
  t.same(failed, [], 'every login started');
  const saved = JSON.parse(readFileSync(join(h.dir, 'settings.json'), 'utf8')) as { sessions: Array<{ name: string }> };
  t.same(saved.sessions.map((s) => s.name).sort(), urls.map((_, i) => `s${i}`).sort(), 'the file holds every session');
  t.same(readdirSync(h.dir).filter((f) => f.endsWith('.tmp')), [], 'no temp file left');
});
