import t, { type Test } from 'tap';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminRequest } from '../../src/cli/admin-client.js';
import { ERROR_TABLE, isAgentError } from '../../src/errors.js';

/** A stand-in for the agent on a unix socket, answering each request with `answer`. */
let n = 0;
async function socketServer(t: Test, dir: string, answer: Parameters<typeof createServer>[1]): Promise<string> {
  const socket = join(dir, `s${n++}.sock`);
  const server: Server = createServer(answer!);
  await new Promise<void>((r) => server.listen(socket, r));
  t.teardown(() => { server.closeAllConnections(); return new Promise<void>((r) => server.close(() => r())); });
  return socket;
}

t.test('every failure the CLI reports on its own is a row of the error table', async (t) => {
  const cases: Array<[string, Parameters<typeof createServer>[1], number | undefined, string]> = [
    ['a reply that is not JSON', (_q, s) => { s.writeHead(200).end('<html>'); }, undefined, 'BadReply'],
    ['an error reply without a code', (_q, s) => { s.writeHead(500).end('{}'); }, undefined, 'BadReply'],
    ['no answer in time', () => { /* never answers */ }, 50, 'Timeout'],
    ['the agent\'s own error', (_q, s) => { s.writeHead(404).end(JSON.stringify({ Code: 'ProfileNotFound', Message: 'no profile named "x"' })); }, undefined, 'ProfileNotFound'],
  ];
  // Socket paths must stay under ~100 bytes: a short folder of our own, not the test's fixture dir.
  const dir = mkdtempSync(join(tmpdir(), 'ssoa-ac-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [what, answer, timeoutMs, code] of cases) {
    const socket = await socketServer(t, dir, answer);
    const err = await adminRequest('GET', '/v1/status', undefined, { socket, ...(timeoutMs ? { timeoutMs } : {}) }).then(() => undefined, (e: unknown) => e);
    t.ok(isAgentError(err), `${what}: an agent error`);
    if (!isAgentError(err)) continue;
    t.equal(err.code, code, `${what}: ${code}`);
    t.ok(Object.hasOwn(ERROR_TABLE, err.code), `${what}: ${code} has a row`);
    t.equal(err.exitCode, 1);
  }
});
