import t from 'tap';
import { randomBytes } from 'node:crypto';
import { routeToken } from '../../src/server/route-token.js';
import { HeldRouteTokens } from '../../src/server/held-route-tokens.js';
import { containerCredentialsBody, containerCredentialsReply, toContainerCredentials } from '../../src/server/to-container-credentials.js';
import type { RoleCredentials } from '../../src/core/types.js';

t.test('HeldRouteTokens accepts exactly the profile\'s token, before and after a catalog rebuild', async (t) => {
  const key = randomBytes(32);
  const other = randomBytes(32);
  const tokens = new HeldRouteTokens(key);
  const role = { profile: 'prod-admin' };
  const tok = routeToken(key, 'prod-admin');
  t.ok(tokens.matches(role, tok));
  t.ok(tokens.matches(role, tok), 'again, from the held token');
  for (const bad of ['', 'x', tok + ' ', ' ' + tok, `Bearer ${tok}`, tok.slice(0, -1), routeToken(key, 'prod-readonly'), routeToken(other, 'prod-admin'), tok.toUpperCase(),
    // Same character count, other bytes: a character whose low byte is the token's own character.
    String.fromCharCode(0x100 + tok.charCodeAt(0)) + tok.slice(1)]) {
    t.notOk(tokens.matches(role, bad), `rejects ${JSON.stringify(bad)}`);
  }
  // A rebuilt catalog hands out new role objects; a renamed profile gets its own token.
  t.ok(tokens.matches({ profile: 'prod-admin' }, tok));
  t.notOk(tokens.matches({ profile: 'work-prod-admin' }, tok), 'a profile renamed by a rebuild needs its new token');
  t.ok(tokens.matches({ profile: 'work-prod-admin' }, routeToken(key, 'work-prod-admin')));
  t.notOk(new HeldRouteTokens(other).matches(role, tok), 'another agent key, another token');
});

t.test('containerCredentialsBody: the JSON of toContainerCredentials, made once per credential', async (t) => {
  const creds: RoleCredentials = {
    accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's', sessionToken: 't', expiration: Date.UTC(2026, 11, 1, 21),
    accountId: '111111111111', roleArn: 'arn:aws:iam::111111111111:role/Admin',
  };
  const body = containerCredentialsBody(creds);
  t.same(JSON.parse(body.toString('utf8')), toContainerCredentials(creds));
  t.equal(containerCredentialsBody(creds), body, 'the same Buffer while the credential is the same');
  const reply = containerCredentialsReply(creds);
  t.equal(reply.body, body, 'the reply carries the same Buffer');
  t.same(reply.headers, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': body.length });
  const renewed = { ...creds, accessKeyId: 'ASIARENEWED' };
  t.equal(JSON.parse(containerCredentialsBody(renewed).toString('utf8')).AccessKeyId, 'ASIARENEWED', 'renewed credentials are serialised afresh');
});
