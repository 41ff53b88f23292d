import t from 'tap';
import { toContainerCredentials } from '../../src/server/to-container-credentials.js';
import type { RoleCredentials } from '../../src/core/types.js';

const creds: RoleCredentials = {
  accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'sk', sessionToken: 'st', expiration: Date.UTC(2026, 10, 23, 9, 30, 0, 123),
  accountId: '111111111111', roleArn: 'arn:aws:iam::111111111111:role/x',
};

t.test('toContainerCredentials', async (t) => {
  t.same(toContainerCredentials(creds), {
    AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'sk', Token: 'st', Expiration: '2026-11-23T09:30:00.123Z',
    AccountId: '111111111111', RoleArn: 'arn:aws:iam::111111111111:role/x',
  });
  t.match(toContainerCredentials({ ...creds, expiration: 0 }).Expiration, /Z$/, 'always UTC with Z (JS fromHttp rejects +00:00)');
});
