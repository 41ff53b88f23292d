import t from 'tap';
import { Writable } from 'node:stream';
import { createLogger } from '../src/logger.js';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  return { lines, stream };
}

t.test('secret-bearing fields are redacted at every depth; error codes stay readable', async (t) => {
  const { lines, stream } = capture();
  const log = createLogger({ stream });
  log.warn({
    errorCode: 'LoginRequired',
    accessToken: 'at-SECRET-1',
    session: { refreshToken: 'rt-SECRET-2', name: 'work' },
    reg: { client: { clientSecret: 'cs-SECRET-3' } },
    req: { method: 'GET', url: '/oauth/callback?code=ac-SECRET-4&state=s' },
  }, 'refused');
  const line = lines.join('');
  for (const secret of ['at-SECRET-1', 'rt-SECRET-2', 'cs-SECRET-3', 'ac-SECRET-4']) {
    t.notOk(line.includes(secret), `${secret} is not in the log line`);
  }
  const parsed = JSON.parse(line) as Record<string, unknown>;
  t.equal(parsed.errorCode, 'LoginRequired', 'the error code is logged as is');
  t.same(parsed.req, { method: 'GET', path: '/oauth/callback' }, 'the query string is dropped');
  t.equal((parsed.session as Record<string, unknown>).name, 'work', 'non-secret fields survive');
});
