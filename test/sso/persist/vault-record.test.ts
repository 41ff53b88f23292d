import t from 'tap';
import type { VaultRecord } from '../../../src/sso/persist/session-vault.js';
import { parseRecord, serializeRecord } from '../../../src/sso/persist/vault-record.js';

const NOW = Date.UTC(2026, 10, 23, 9);

const RECORD: VaultRecord = {
  startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1', scopes: ['sso:account:access'],
  registration: { flow: 'device', clientId: 'cid', clientSecret: 'csecret', expiresAt: NOW + 86400_000, scopes: ['sso:account:access'] },
  token: { accessToken: 'aoa-x', issuedAt: NOW - 600_000, expiresAt: NOW + 3000_000, refreshToken: 'aor-x' },
};

t.test('a record survives the round trip, with and without a refresh token', async (t) => {
  t.same(parseRecord(serializeRecord(RECORD)), { ok: true, record: RECORD });
  const { refreshToken: _, ...token } = RECORD.token;
  const plain = { ...RECORD, token };
  t.same(parseRecord(serializeRecord(plain)), { ok: true, record: plain });
});

t.test('a damaged or foreign item is refused, naming the field and never a value', async (t) => {
  const good = JSON.parse(serializeRecord(RECORD));
  const cases: [string, unknown, RegExp][] = [
    ['not JSON', 'aor-x{', /not JSON/],
    ['an array', [], /not a JSON object/],
    ['another version', { ...good, v: 2 }, /version 2, not 1/],
    ['no version', { ...good, v: undefined }, /version none/],
    ['no token', { ...good, token: undefined }, /token is missing/],
    ['no registration', { ...good, registration: 'x' }, /registration is missing/],
    ['empty start URL', { ...good, startUrl: '' }, /startUrl/],
    ['bad flow', { ...good, registration: { ...good.registration, flow: 'password' } }, /registration\.flow/],
    ['no client secret', { ...good, registration: { ...good.registration, clientSecret: undefined } }, /registration\.clientSecret/],
    ['expiry in seconds', { ...good, token: { ...good.token, expiresAt: Math.floor(NOW / 1000) } }, /token\.expiresAt/],
    ['expiry before issue', { ...good, token: { ...good.token, expiresAt: NOW - 3600_000 } }, /token\.expiresAt/],
    ['refresh token a number', { ...good, token: { ...good.token, refreshToken: 5 } }, /token\.refreshToken/],
    ['scopes not strings', { ...good, scopes: [1] }, /scopes/],
  ];
  for (const [what, value, why] of cases) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const r = parseRecord(text);
    t.equal(r.ok, false, what);
    if (!r.ok) {
      t.match(r.why, why, `${what}: ${r.why}`);
      t.notMatch(r.why, /aor-x|aoa-x|csecret/, `${what}: no secret in the reason`);
    }
  }
});
