import t from 'tap';
import { routeToken, verifyRouteToken } from '../../src/server/route-token.js';

t.test('profile tokens', async (t) => {
  const key = Buffer.alloc(32, 1);
  const other = Buffer.alloc(32, 2);
  const tok = routeToken(key, 'prod-admin');
  t.match(tok, /^[A-Za-z0-9_-]{43}$/, 'base64url of a SHA-256 HMAC, no padding');
  t.equal(tok, routeToken(key, 'prod-admin'), 'deterministic');
  t.not(tok, routeToken(key, 'prod-readonly'), 'differs per profile');
  t.not(tok, routeToken(other, 'prod-admin'), 'differs per agent key');
  t.ok(verifyRouteToken(key, 'prod-admin', tok));
  for (const bad of [undefined, '', 'x', tok + ' ', ' ' + tok, `Bearer ${tok}`, tok.slice(0, -1), routeToken(key, 'prod-readonly'), routeToken(other, 'prod-admin'), tok.toUpperCase()]) {
    t.notOk(verifyRouteToken(key, 'prod-admin', bad), `rejects ${JSON.stringify(bad)}`);
  }
});
