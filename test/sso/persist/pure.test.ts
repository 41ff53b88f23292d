import t from 'tap';
import { keychainCause } from '../../../src/sso/persist/keychain-cause.js';
import { unusableBecause } from '../../../src/sso/persist/restore-sessions.js';
import type { VaultRecord } from '../../../src/sso/persist/session-vault.js';
import { parseRecord, serializeRecord } from '../../../src/sso/persist/vault-record.js';
import type { SessionConfig } from '../../../src/core/types.js';

const NOW = Date.UTC(2026, 10, 23, 9);
const RECORD: VaultRecord = {
  startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1', scopes: ['sso:account:access'],
  registration: { flow: 'device', clientId: 'cid', clientSecret: 'csecret', expiresAt: NOW + 86400_000, scopes: ['sso:account:access'] },
  token: { accessToken: 'aoa-x', issuedAt: NOW - 600_000, expiresAt: NOW + 3000_000, refreshToken: 'aor-x' },
};
const CONFIG: SessionConfig = { name: 'work', startUrl: RECORD.startUrl, region: 'eu-west-1', scopes: ['sso:account:access'], source: 'aws-config' };

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

t.test('the keychain failures, in words a person can act on', async (t) => {
  const cases: [string, RegExp][] = [
    ['Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead', /no D-Bus session bus/],
    ['Platform failure: DBus error: Failed to connect to socket /nonexistent: No such file or directory', /no D-Bus session bus/],
    ['zbus error: Failed to connect to address `unix:path=/x`: No such file or directory (os error 2)', /no D-Bus session bus/],
    ['Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files', /no Secret Service on the session bus/],
    ["Couldn't access platform storage: Secret Service: unlock prompt was dismissed", /keychain is locked/],
    ['zbus error: org.freedesktop.Secret.Error.IsLocked: Cannot get secret of a locked object', /keychain is locked/],
    ["Couldn't access platform storage: Secret Service: no result found", /no default keyring/],
    ['something new', /refused the request/],
  ];
  for (const [message, cause] of cases) {
    const said = keychainCause(message);
    t.match(said, cause, message);
    t.ok(said.endsWith(`(${message})`), 'the raw text follows, for a search');
  }
  t.ok(keychainCause('x'.repeat(1000)).length < 300, 'shortened');
});
