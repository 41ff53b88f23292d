import t from 'tap';
import { checkTokenAnswer } from '../../../src/sso/login/create-token.js';
import { sessionState } from '../../../src/sso/tokens/session-state.js';

t.test('a CreateToken answer: an access token is required; lifetime defaults to an hour; the refresh token only when given', async (t) => {
  t.same(checkTokenAnswer({ accessToken: 'a', expiresIn: 60, refreshToken: 'r', $metadata: {} }), { accessToken: 'a', expiresInS: 60, refreshToken: 'r' });
  t.same(checkTokenAnswer({ accessToken: 'a', $metadata: {} }), { accessToken: 'a', expiresInS: 3600 });
  t.same(checkTokenAnswer({ accessToken: 'a', refreshToken: '', $metadata: {} }), { accessToken: 'a', expiresInS: 3600 }, 'an empty refresh token is none');
  t.throws(() => checkTokenAnswer({ $metadata: {} }), { code: 'UpstreamError', message: /no access token/ });
});

t.test('a refreshable token mid-refresh is refreshing; a lost token with a login pending is pending', async (t) => {
  t.same(sessionState({ loginPending: true, lost: 'refresh-rejected' }, 0), { state: 'login-pending' });
  t.same(sessionState({ loginPending: false, refreshing: true, token: { expiresAt: 10, refreshable: false } }, 20), { state: 'login-needed', loginNeeded: 'expired' }, 'without a refresh token nothing is being refreshed');
});
