import t from 'tap';
import Fastify from 'fastify';
import { ERROR_CLASSES, ERROR_TABLE, AgentError, RemoteError, BadUsageError } from '../src/errors.js';
import { installErrorHandling } from '../src/server/error-handler.js';
import { exitCodeFor } from '../src/cli/exit.js';
import { createLogger } from '../src/logger.js';

// Every class constructed the way callers do; constructors take a message, a profile, a session or a socket.
function instance(Cls: (typeof ERROR_CLASSES)[number]): AgentError {
  const C = Cls as unknown as new (arg: string) => AgentError;
  return new C('some-arg');
}

t.test('the catalog: unique codes, sane statuses and exit codes', async (t) => {
  const codes = new Set<string>();
  for (const Cls of ERROR_CLASSES) {
    const e = instance(Cls);
    t.ok(e instanceof AgentError, Cls.name);
    t.notOk(codes.has(e.code), `${Cls.name}: code ${e.code} is unique`);
    codes.add(e.code);
    t.match(e.code, /^[A-Z][A-Za-z]+$/, `${Cls.name}: code is a stable identifier`);
    t.ok(e.status >= 400 && e.status <= 599, `${Cls.name}: status ${e.status} is 4xx/5xx`);
    t.ok(e.exitCode === 1 || e.exitCode === 2, `${Cls.name}: exit ${e.exitCode}`);
    t.equal(exitCodeFor(e), e.exitCode);
    t.notOk(e.message.includes('\n'), `${Cls.name}: one-line message`);
  }
  t.equal(instance(BadUsageError).exitCode, 2, 'bad usage exits 2');
});

t.test('each class is named after its code', async (t) => {
  for (const Cls of ERROR_CLASSES) {
    const code = instance(Cls).code;
    t.equal(Cls.name, code.endsWith('Error') ? code : `${code}Error`, `${code}: ${Cls.name}`);
  }
});

t.test('the table is the source: every class has a row, every row a class, status and exit from it', async (t) => {
  const classCodes = new Set(ERROR_CLASSES.map((C) => instance(C).code));
  t.same([...classCodes].sort(), Object.keys(ERROR_TABLE).sort(), 'one class per row');
  for (const C of ERROR_CLASSES) {
    const e = instance(C);
    const row = ERROR_TABLE[e.code as keyof typeof ERROR_TABLE];
    t.equal(e.status, row.status, `${e.code} status`);
    t.equal(e.exitCode, row.exit, `${e.code} exit`);
  }
});

t.test('an error that crossed the socket keeps its exit code (looked up by Code)', async (t) => {
  for (const C of ERROR_CLASSES) {
    const e = instance(C);
    const remote = new RemoteError({ Code: e.code, Message: e.message }, e.status);
    t.equal(exitCodeFor(remote), exitCodeFor(e), `${e.code} → ${exitCodeFor(e)}`);
    t.equal(remote.status, e.status);
  }
  t.equal(exitCodeFor(new RemoteError({ Code: 'BadUsage', Message: 'pass --session' }, 400)), 2, 'usage → 2');
  const unknown = new RemoteError({ Code: 'SomethingNewer', Message: 'x' }, 418);
  t.equal(exitCodeFor(unknown), 1, 'a code this build does not know exits 1');
  t.equal(unknown.status, 418, 'with the status the agent sent');
  t.equal(exitCodeFor(new TypeError('boom')), 1);
});

t.test('every class goes through the error handler with its status and code', async (t) => {
  const app = Fastify();
  installErrorHandling(app, createLogger({ level: 'silent' }), () => false);
  let current: AgentError | undefined;
  app.get('/boom', async () => { throw current; });
  app.get('/plain', async () => { throw new TypeError('cannot read x of undefined at /home/me/secret'); });
  for (const Cls of ERROR_CLASSES) {
    current = instance(Cls);
    const res = await app.inject({ method: 'GET', url: '/boom' });
    t.equal(res.statusCode, current.status, `${Cls.name} → ${current.status}`);
    t.equal(res.headers['content-type'], 'application/json');
    t.same(res.json(), { Code: current.code, Message: current.message, code: current.code, message: current.message });
  }
  const res = await app.inject({ method: 'GET', url: '/plain' });
  t.equal(res.statusCode, 500);
  t.equal(res.json().Code, 'InternalError');
  t.notMatch(res.body, /home\/me|TypeError/);
  await app.close();
});
