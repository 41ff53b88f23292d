import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PromptState, promptLines } from '../../src/server/prompt-state.js';
import { createLogger } from '../../src/logger.js';
import { fakeCore } from '../support/fake-core.js';

t.test('one line per profile: pid, state word, end, session; removed at close', async (t) => {
  const core = fakeCore();
  core.sessions[0]!.signIn = { endsAt: '2026-12-03T10:00:00.000Z', endsBy: 'access-token' };
  const lines = promptLines(core, 42);
  t.equal(lines.get('prod-admin'), `42 ok ${Date.parse('2026-12-03T10:00:00Z') / 1000} work\n`);
  t.equal(lines.get('sandbox-admin'), '42 login 0 play\n');

  const dir = t.testdir();
  const state = new PromptState({ core, runtimeDir: dir, logger: createLogger({ level: 'silent' }), pid: 42 });
  state.update();
  await state.settled();
  t.same(readdirSync(join(dir, 'prompt')).sort(), ['dev-admin', 'prod-admin', 'prod-readonly', 'sandbox-admin']);
  core.roles.pop();
  core.sessions[0]!.state = 'expiring';
  state.update();
  await state.settled();
  t.notOk(existsSync(join(dir, 'prompt', 'sandbox-admin')), 'a profile that went loses its file');
  t.match(readFileSync(join(dir, 'prompt', 'prod-admin'), 'utf8'), /^42 expiring /);
  await state.close();
  t.notOk(existsSync(join(dir, 'prompt')), 'gone when the agent stops');
});
