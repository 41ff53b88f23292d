import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rotatingLog } from '../src/rotating-log.js';

t.test('the log moves aside past its size and keeps the newest files', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'agent.log');
  const log = rotatingLog(file, { maxBytes: 100, keep: 2 });
  for (let i = 0; i < 10; i++) log.write(`${String(i).padStart(2, '0')} ${'x'.repeat(36)}\n`);
  log.close();
  t.same(readdirSync(dir).sort(), ['agent.log', 'agent.log.1', 'agent.log.2'], 'two old files kept, no more');
  t.equal(readFileSync(file, 'utf8').split('\n')[0]?.slice(0, 2), '08', 'the newest lines are in the file');
  t.equal(readFileSync(`${file}.1`, 'utf8').slice(0, 2), '06');
  t.ok(statSync(file).size <= 100);
  t.equal(statSync(file).mode & 0o777, 0o600, 'private');
  const again = rotatingLog(file, { maxBytes: 100, keep: 2 });
  again.write('appended\n');
  again.close();
  t.match(readFileSync(file, 'utf8'), /^08 .*\n09 .*\nappended\n$/, 'a restart appends');
});
