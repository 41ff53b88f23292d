import t from 'tap';
import { parseDurationAtLeast, rejectPositionals } from '../../src/cli/args.js';

t.test('parseDurationAtLeast: a floor named in the message; 0 and too small refused', async (t) => {
  t.equal(parseDurationAtLeast('1m', '--sync-interval', 60_000), 60_000);
  t.equal(parseDurationAtLeast('8h', '--sync-interval', 60_000), 8 * 3_600_000);
  for (const v of ['0', '59s', '0.5m', '100ms']) {
    t.throws(() => parseDurationAtLeast(v, '--sync-interval', 60_000), { code: 'BadUsage', message: new RegExp(`--sync-interval must be at least 1m, not "${v.replace('.', '\\.')}"`) }, v);
  }
  t.throws(() => parseDurationAtLeast('-1h', '--sync-interval', 60_000), { code: 'BadUsage', message: /takes a duration such as/ });
  t.throws(() => parseDurationAtLeast('1', '--x', 1500), { message: /at least 1500ms/ });
});

t.test('rejectPositionals', async (t) => {
  t.doesNotThrow(() => rejectPositionals('ls', []));
  t.throws(() => rejectPositionals('ls', ['x', 'y']), { code: 'BadUsage', message: 'ls takes no arguments (got x); see `sso-agent ls --help`' });
  t.throws(() => rejectPositionals('sync', ['work'], '--session'), { code: 'BadUsage', message: 'sync takes no arguments (got work); did you mean --session work?' });
});
