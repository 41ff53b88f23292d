import t from 'tap';
import { unusableBecause } from '../../../src/sso/persist/restore-sessions.js';
import type { VaultRecord } from '../../../src/sso/persist/session-vault.js';
import type { SessionConfig } from '../../../src/core/types.js';

const NOW = Date.UTC(2026, 10, 23, 9);

const RECORD: VaultRecord = {
  startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1', scopes: ['sso:account:access'],
  registration: { flow: 'device', clientId: 'cid', clientSecret: 'csecret', expiresAt: NOW + 86400_000, scopes: ['sso:account:access'] },
  token: { accessToken: 'aoa-x', issuedAt: NOW - 600_000, expiresAt: NOW + 3000_000, refreshToken: 'aor-x' },
};

const CONFIG: SessionConfig = { name: 'work', startUrl: RECORD.startUrl, region: 'eu-west-1', scopes: ['sso:account:access'], source: 'aws-config' };

t.test('which records can bring their session back', async (t) => {
  t.equal(unusableBecause(RECORD, CONFIG, NOW), undefined, 'a live token');
  const expired = { ...RECORD, token: { ...RECORD.token, expiresAt: NOW - 1 , issuedAt: NOW - 3600_000 } };
  t.equal(unusableBecause(expired, CONFIG, NOW), undefined, 'an expired token with a refresh token and a live client');
  t.match(unusableBecause({ ...expired, token: { ...expired.token, refreshToken: undefined } } as VaultRecord, CONFIG, NOW), /cannot be refreshed/);
  t.match(unusableBecause({ ...expired, registration: { ...RECORD.registration, expiresAt: NOW - 1 } }, CONFIG, NOW), /registration has expired/);
  t.match(unusableBecause(RECORD, { ...CONFIG, startUrl: 'https://d-0000000000.awsapps.com/start' }, NOW), /another start URL or region/);
  t.match(unusableBecause(RECORD, { ...CONFIG, region: 'us-east-1' }, NOW), /another start URL or region/);
  t.match(unusableBecause(RECORD, { ...CONFIG, scopes: ['sso:account:access', 'codewhisperer:completions'] }, NOW), /other scopes/);
});
