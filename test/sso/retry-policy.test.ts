import t from 'tap';
import { DEFAULT_RETRY_POLICY, classifyError, nextDelay, retryPolicy, withRetry } from '../../src/sso/retry-policy.js';
import type { Random } from '../../src/sso/clock.js';

const fixed = (f: number): Random => ({ float: () => f, bytes: (n) => Buffer.alloc(n) });
const sdkError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

t.test('classifyError sorts upstream failures', async (t) => {
  const cases: Array<[unknown, string]> = [
    [sdkError('TooManyRequestsException', 429), 'throttle'],
    [sdkError('Whatever', 429), 'throttle'],
    [sdkError('ThrottlingException', 400), 'throttle'],
    [sdkError('InternalServerException', 500), 'transient'],
    [sdkError('ServiceUnavailable', 503), 'transient'],
    [Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'transient'],
    [Object.assign(new Error('t'), { name: 'TimeoutError' }), 'transient'],
    [sdkError('UnauthorizedException', 401), 'fatal'],
    [sdkError('ForbiddenException', 403), 'fatal'],
    [sdkError('InvalidRequestException', 400), 'fatal'],
    [new Error('plain'), 'fatal'],
    ['a string', 'fatal'],
    [null, 'fatal'],
  ];
  for (const [err, want] of cases) t.equal(classifyError(err), want, String((err as Error)?.name ?? err));
});

t.test('nextDelay: exponential cap, full jitter, throttles back off from a higher base', async (t) => {
  const p = retryPolicy({ baseDelayMs: 100, throttleBaseDelayMs: 500, maxDelayMs: 10_000, maxAttempts: 10 });
  const e500 = sdkError('InternalServerException', 500);
  const e429 = sdkError('TooManyRequestsException', 429);
  // random just below 1 shows the cap for each attempt
  t.same([1, 2, 3, 4].map((a) => nextDelay(a, e500, fixed(0.999999), p)), [99, 199, 399, 799]);
  t.same([1, 2, 3].map((a) => nextDelay(a, e429, fixed(0.999999), p)), [499, 999, 1999]);
  t.equal(nextDelay(9, e500, fixed(0.999999), p), 9999, 'capped at maxDelayMs');
  t.equal(nextDelay(3, e500, fixed(0), p), 0, 'full jitter reaches zero');
  t.equal(nextDelay(3, e500, fixed(0.5), p), 200, 'uniform in [0, cap)');
});

t.test('nextDelay: gives up on fatal errors and after maxAttempts', async (t) => {
  const p = retryPolicy({ maxAttempts: 3 });
  t.equal(nextDelay(1, sdkError('UnauthorizedException', 401), fixed(0.5), p), undefined);
  t.equal(nextDelay(1, sdkError('ForbiddenException', 403), fixed(0.5), p), undefined);
  t.type(nextDelay(2, sdkError('InternalServerException', 500), fixed(0.5), p), 'number');
  t.equal(nextDelay(3, sdkError('InternalServerException', 500), fixed(0.5), p), undefined);
});

t.test('withRetry runs in milliseconds with an injected sleep and reports each retry', async (t) => {
  const slept: number[] = [];
  const p = retryPolicy({ maxAttempts: 4, sleep: async (ms) => { slept.push(ms); } });
  let calls = 0;
  const out = await withRetry(async () => {
    calls++;
    if (calls < 3) throw sdkError('TooManyRequestsException', 429);
    return 'ok';
  }, p, fixed(0.5));
  t.equal(out, 'ok');
  t.equal(calls, 3);
  t.same(slept, [250, 500]);

  calls = 0;
  await t.rejects(withRetry(async () => { calls++; throw sdkError('InternalServerException', 500); }, p, fixed(0)), { name: 'InternalServerException' });
  t.equal(calls, 4, 'stops at maxAttempts');

  calls = 0;
  await t.rejects(withRetry(async () => { calls++; throw sdkError('UnauthorizedException', 401); }, p, fixed(0)), { name: 'UnauthorizedException' });
  t.equal(calls, 1, 'a fatal error is not retried');
});

t.test('the default policy is data a test can read', async (t) => {
  t.ok(DEFAULT_RETRY_POLICY.maxAttempts >= 5, 'enough attempts to ride out 10 % failures');
  t.ok(DEFAULT_RETRY_POLICY.maxDelayMs <= 30_000);
});

t.test('cryptoRandom.float stays in [0, 1)', async (t) => {
  const { cryptoRandom } = await import('../../src/sso/clock.js');
  const r = cryptoRandom();
  for (let i = 0; i < 1000; i++) { const f = r.float(); if (!(f >= 0 && f < 1)) t.fail(`out of range: ${f}`); }
  t.equal(r.bytes(16).length, 16);
  t.type(nextDelay(1, sdkError('InternalServerException', 500), r), 'number', 'usable as the jitter source');
});

t.test('classification follows smithy\'s classifiers, with the deliberate differences', async (t) => {
  const { UpstreamError } = await import('../../src/errors.js');
  const cases: Array<[unknown, string, string]> = [
    [Object.assign(new Error('x'), { name: 'LimitExceededException' }), 'throttle', 'a smithy throttling name'],
    [Object.assign(new Error('x'), { $metadata: { httpStatusCode: 504 } }), 'transient', 'a smithy transient status'],
    [Object.assign(new Error('x'), { $metadata: { httpStatusCode: 599 } }), 'transient', 'any other 5xx (smithy: server error)'],
    [Object.assign(new Error('x'), { $retryable: {} }), 'transient', 'the retryable trait'],
    [Object.assign(new Error('x'), { cause: Object.assign(new Error('y'), { code: 'ECONNRESET' }) }), 'transient', 'a transient cause'],
    [Object.assign(new Error('x'), { code: 'EHOSTUNREACH' }), 'transient', 'smithy network code'],
    [Object.assign(new Error('x'), { code: 'ENOTFOUND' }), 'fatal', 'differs: a missing host means a wrong region'],
    [Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }), 'transient', 'differs: undici socket errors retry'],
    [Object.assign(new Error('x'), { name: 'InternalServerException' }), 'transient', 'differs: by name without a status'],
    [new UpstreamError('x', { cause: Object.assign(new Error('y'), { code: 'ECONNRESET' }) }), 'fatal', 'differs: the agent\'s own errors are final'],
    [Object.assign(new Error('x'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }), 'fatal', 'a 4xx'],
    ['a string', 'fatal', 'not an error object'],
  ];
  for (const [err, want, why] of cases) t.equal(classifyError(err), want, why);
});
