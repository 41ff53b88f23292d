import t from 'tap';
import { checkRoleCredentials } from '../../../src/sso/credentials/check-role-credentials.js';
import { credentialRetryDelay } from '../../../src/sso/credentials/renewal-policy.js';
import { LoginRequiredError, UpstreamError, ThrottledError } from '../../../src/errors.js';

const key = { session: 'work', accountId: '111111111111', roleName: 'Admin' };
const good = { accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration: 2_000 };

t.test('a GetRoleCredentials answer is usable only whole and unexpired', async (t) => {
  t.same(checkRoleCredentials({ roleCredentials: good, $metadata: {} }, key, 'arn:x', 1_000), { ...good, accountId: key.accountId, roleArn: 'arn:x' });
  const rejected = [
    {},
    { roleCredentials: { ...good, accessKeyId: undefined } },
    { roleCredentials: { ...good, secretAccessKey: '' } },
    { roleCredentials: { ...good, sessionToken: undefined } },
    { roleCredentials: { ...good, expiration: undefined } },
    { roleCredentials: { ...good, expiration: 999 } },
  ];
  for (const out of rejected) {
    t.throws(() => checkRoleCredentials({ ...out, $metadata: {} }, key, 'arn:x', 1_000), { code: 'UpstreamError', message: /111111111111:Admin returned no usable credentials/ }, JSON.stringify(out));
  }
});

t.test('credential retries: upstream trouble only, doubling with equal jitter, capped by the lifetime', async (t) => {
  const half = credentialRetryDelay({ float: () => 0.5, bytes: (n) => Buffer.alloc(n) });
  t.equal(half(1, new UpstreamError('x'), 3600_000), 750, '1 s step: between 0.5 and 1 s');
  t.equal(half(3, new ThrottledError('x'), 3600_000), 3000);
  t.equal(half(20, new UpstreamError('x'), 3600_000), 22_500, 'capped at 30 s');
  t.equal(half(20, new UpstreamError('x'), 120_000), 9_000, '120 s credentials: capped at 12 s');
  t.equal(half(20, new UpstreamError('x'), 0), 22_500, 'unknown lifetime: the 30 s cap');
  t.equal(half(1, new LoginRequiredError('work'), 3600_000), undefined, 'a needed login is final');
  t.equal(half(1, new Error('boom'), 3600_000), undefined);
});
