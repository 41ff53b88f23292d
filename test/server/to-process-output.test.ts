import t from 'tap';
import { toProcessOutput } from '../../src/server/to-process-output.js';
import type { RoleCredentials } from '../../src/core/types.js';

const creds: RoleCredentials = {
  accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'sk', sessionToken: 'st', expiration: Date.UTC(2026, 10, 23, 9, 30, 0, 123),
  accountId: '111111111111', roleArn: 'arn:aws:iam::111111111111:role/x',
};

t.test('toProcessOutput', async (t) => {
  const out = toProcessOutput(creds);
  t.same(out, { Version: 1, AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'sk', SessionToken: 'st', Expiration: '2026-11-23T09:30:00.123Z', AccountId: '111111111111' });
  t.equal(typeof out.Version, 'number', 'Version is the number 1; SDKs reject "1"');
  t.match(JSON.stringify(out), /"Version":1,/);
});
