import t from 'tap';
import { signInEnd } from '../../../src/sso/tokens/sign-in-end.js';
import { signInLine } from '../../../src/cli/sign-in-text.js';
import type { SessionStatus } from '../../../src/core/types.js';

const at = (iso: string) => Date.parse(iso);

t.test('no refresh token: the sign-in ends with the access token, exactly', async (t) => {
  t.same(signInEnd({ signedInAt: at('2026-12-03T09:00:00Z'), tokenExpiresAt: at('2026-12-03T17:00:00Z'), refreshable: false, registrationExpiresAt: at('2027-03-03T09:00:00Z') }), {
    signedInAt: '2026-12-03T09:00:00.000Z', endsAt: '2026-12-03T17:00:00.000Z', endsBy: 'access-token',
  });
});

t.test('a refresh token: the client registration\'s expiry is the latest end; restored sign-ins have no start', async (t) => {
  t.same(signInEnd({ tokenExpiresAt: at('2026-12-03T10:00:00Z'), refreshable: true, registrationExpiresAt: at('2027-03-03T09:00:00Z') }), {
    endsAt: '2027-03-03T09:00:00.000Z', endsBy: 'client-registration',
  });
});

t.test('status says what is known and how', async (t) => {
  const now = at('2026-12-03T10:00:00Z');
  const base: SessionStatus = { name: 'work', startUrl: 'u', region: 'r', state: 'active', refreshable: false, accounts: 0, roles: 0, staleAccounts: 0 };
  t.equal(signInLine(base, now), undefined, 'no token: no line');
  t.equal(signInLine({ ...base, signIn: { signedInAt: '2026-12-03T09:00:00.000Z', endsAt: '2026-12-03T10:45:00.000Z', endsBy: 'access-token' } }, now),
    'work: signed in 1h00m ago; the sign-in ends in 45m (2026-12-03T10:45:00.000Z), with its access token (no refresh token was issued, so nothing can renew it)');
  t.equal(signInLine({ ...base, refreshable: true, signIn: { endsAt: '2027-03-03T10:00:00.000Z', endsBy: 'client-registration' } }, now),
    'work: the sign-in ends when the session duration your administrator set in IAM Identity Center runs out (AWS does not tell clients; the default is 8h), at the latest in 90d (2027-03-03T10:00:00.000Z), when the agent\'s client registration expires');
});
