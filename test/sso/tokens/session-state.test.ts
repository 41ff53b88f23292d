import t from 'tap';
import { sessionState, tokenRefreshAt, EXPIRING_WINDOW_MS } from '../../../src/sso/tokens/session-state.js';

const MIN = 60_000;


t.test('session state from facts and the clock', async (t) => {
  const now = 1_000_000_000;
  const cases: Array<[Parameters<typeof sessionState>[0], ReturnType<typeof sessionState>]> = [
    [{ loginPending: false }, { state: 'not-logged-in' }],
    [{ loginPending: true }, { state: 'login-pending' }],
    [{ loginPending: true, lost: 'logged-out' }, { state: 'login-pending' }],
    [{ loginPending: false, lost: 'refresh-rejected' }, { state: 'login-needed', loginNeeded: 'refresh-rejected' }],
    [{ loginPending: false, lost: 'token-rejected' }, { state: 'login-needed', loginNeeded: 'token-rejected' }],
    [{ loginPending: false, token: { expiresAt: now + 60 * MIN, refreshable: true } }, { state: 'active' }],
    [{ loginPending: true, token: { expiresAt: now + 60 * MIN, refreshable: true } }, { state: 'active' }],
    [{ loginPending: false, token: { expiresAt: now + 5 * MIN, refreshable: true } }, { state: 'active' }],
    [{ loginPending: false, refreshing: true, token: { expiresAt: now + 5 * MIN, refreshable: true } }, { state: 'refreshing' }],
    [{ loginPending: false, token: { expiresAt: now - 1, refreshable: true } }, { state: 'refreshing' }],
    [{ loginPending: false, token: { expiresAt: now + EXPIRING_WINDOW_MS + 1, refreshable: false } }, { state: 'active' }],
    [{ loginPending: false, token: { expiresAt: now + EXPIRING_WINDOW_MS, refreshable: false } }, { state: 'expiring' }],
    [{ loginPending: false, token: { expiresAt: now, refreshable: false } }, { state: 'login-needed', loginNeeded: 'expired' }],
  ];
  for (const [facts, want] of cases) t.same(sessionState(facts, now), want, JSON.stringify(facts));
  t.equal(tokenRefreshAt(0, 60 * MIN), 50 * MIN, '1 h token: refreshed 10 min early');
  t.equal(tokenRefreshAt(0, 4 * MIN), 2 * MIN, 'short token: at half its life');
});
