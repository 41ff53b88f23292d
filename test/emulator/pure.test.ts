// The emulator's pure pieces on lists of accepted and rejected inputs: PKCE checks, redirect-URI
// matching, the fake organisation, id formats, and the fault planner with an injected clock.
import t from 'tap';
import { isAcceptableRedirectUri, isValidChallenge, isValidVerifier, redirectUriMatches, s256 } from '../../src/emulator/pkce.js';
import { accountIdFor, buildOrg } from '../../src/emulator/org.js';
import { ids, roleId, roleSuffix } from '../../src/emulator/ids.js';
import { Faults } from '../../src/emulator/faults.js';

t.test('s256 matches RFC 7636 appendix B', async (t) => {
  t.equal(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});

t.test('verifier and challenge syntax', async (t) => {
  for (const v of ['a'.repeat(43), 'A-._~'.repeat(20), 'x'.repeat(128)]) t.ok(isValidVerifier(v), `accepts ${v.slice(0, 12)}… (${v.length})`);
  for (const v of ['a'.repeat(42), 'x'.repeat(129), 'a'.repeat(42) + '+', 'a'.repeat(42) + '=', '']) t.notOk(isValidVerifier(v), `rejects ${JSON.stringify(v.slice(-3))} (${v.length})`);
  t.ok(isValidChallenge('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'));
  for (const c of ['E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM=', 'short', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM']) t.notOk(isValidChallenge(c), c);
});

t.test('redirect URIs acceptable at registration', async (t) => {
  for (const u of ['http://127.0.0.1/oauth/callback', 'http://127.0.0.1:8080/cb', 'http://localhost/cb', 'http://[::1]/cb', 'https://app.example.com/cb']) {
    t.ok(isAcceptableRedirectUri(u), u);
  }
  for (const u of ['http://example.com/cb', 'ftp://127.0.0.1/cb', 'not a url', 'http://127.0.0.1/cb#frag', 'javascript:alert(1)', 'http://127.0.0.2.evil.com/cb']) {
    t.notOk(isAcceptableRedirectUri(u), u);
  }
});

t.test('redirect URI matching: any port for loopback registrations, exact otherwise', async (t) => {
  const reg = 'http://127.0.0.1/oauth/callback';
  for (const u of ['http://127.0.0.1/oauth/callback', 'http://127.0.0.1:1/oauth/callback', 'http://127.0.0.1:65535/oauth/callback']) {
    t.ok(redirectUriMatches(reg, u), u);
  }
  for (const u of [
    'http://127.0.0.1:8080/oauth/callback/',
    'http://127.0.0.1:8080/oauth/other',
    'http://localhost:8080/oauth/callback',
    'https://127.0.0.1:8080/oauth/callback',
    'http://127.0.0.1:8080/oauth/callback?x=1',
    'http://127.0.0.1:8080/oauth/callback#x',
    'http://evil.com/oauth/callback',
    'garbage',
  ]) {
    t.notOk(redirectUriMatches(reg, u), u);
  }
  t.ok(redirectUriMatches('https://app.example.com/cb', 'https://app.example.com/cb'));
  t.notOk(redirectUriMatches('https://app.example.com/cb', 'https://app.example.com:444/cb'), 'no port freedom off loopback');
});

t.test('the fake organisation', async (t) => {
  const org = buildOrg(25, 12);
  t.same(buildOrg(25, 12), org, 'deterministic');
  t.equal(org.length, 25);
  const idsSeen = new Set(org.map((a) => a.accountId));
  t.equal(idsSeen.size, 25, 'account ids are unique');
  t.ok(org.every((a) => /^\d{12}$/.test(a.accountId)), '12-digit account ids');
  t.equal(accountIdFor(1), '012345678901', 'one id has a leading zero');
  t.equal(new Set(org.map((a) => a.accountName)).size, 25, 'account names are unique');
  t.ok(org.some((a) => /\s/.test(a.accountName)) && org.some((a) => /[()&/'#:]/.test(a.accountName)), 'names with spaces and punctuation');
  const roles = org.flatMap((a) => a.roles);
  t.ok(roles.every((r) => /^[\w+=,.@-]{1,32}$/.test(r)), 'role names use only what IAM allows');
  for (const ch of '+=,.@_-') t.ok(roles.some((r) => r.includes(ch)), `some role name has ${ch}`);
  t.ok(org.every((a) => new Set(a.roles).size === a.roles.length && a.roles.length === 12), 'roles are unique per account');
  t.ok(org.every((a) => /^[^@\s]+@example\.com$/.test(a.emailAddress)));
  t.same(buildOrg(0, 2), []);
});

t.test('issued ids look like AWS and do not repeat', async (t) => {
  const keys = new Set<string>();
  const codes = new Set<string>();
  const malformed: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const k = ids.accessKeyId();
    if (!/^ASIA[A-Z0-9]{16}$/.test(k)) malformed.push(k);
    keys.add(k);
    codes.add(ids.userCode());
  }
  t.same(malformed, [], 'access keys are ASIA + 16 upper-case letters and digits');
  t.equal(keys.size, 2000, 'access keys are unique');
  t.ok(codes.size > 1990, 'user codes rarely collide (collisions are re-drawn when issued)');
  t.match(ids.userCode(), /^[A-Z]{4}-[A-Z]{4}$/);
  t.equal(ids.secretAccessKey().length, 40);
  t.not(ids.accessToken(), ids.accessToken());
  t.equal(roleSuffix('111111111111', 'Admin'), roleSuffix('111111111111', 'Admin'), 'stable per role');
  t.match(roleSuffix('111111111111', 'Admin'), /^[0-9a-f]{16}$/);
  t.not(roleSuffix('111111111111', 'Admin'), roleSuffix('111111111112', 'Admin'));
  t.match(roleId('111111111111', 'Admin'), /^AROA[A-Z0-9]{17}$/);
});

t.test('Faults: scripted failures, token bucket, random failures', async (t) => {
  let now = 0;
  let rnd = 0.5;
  const f = new Faults({ rateLimit: 3 }, () => now, () => rnd);
  const opts = { rateLimited: true, randomFailures: true };
  t.same([1, 2, 3, 4].map(() => f.decide('ListAccounts', opts).kind), ['ok', 'ok', 'ok', 'fail']);
  now += 1000;
  t.same([1, 2, 3, 4].map(() => f.decide('ListAccounts', opts).kind), ['ok', 'ok', 'ok', 'fail'], 'refilled after a second');
  t.same(f.decide('CreateToken', { rateLimited: false, randomFailures: true }), { kind: 'ok' }, 'not rate limited when the family is not');

  f.update({ rateLimit: 0, failNext: { GetRoleCredentials: { count: 2, status: 500 } } });
  t.same(f.decide('GetRoleCredentials', opts), { kind: 'fail', status: 500, reason: 'failNext' });
  t.same(f.decide('GetRoleCredentials', opts), { kind: 'fail', status: 500, reason: 'failNext' });
  t.same(f.decide('GetRoleCredentials', opts), { kind: 'ok' });
  t.same(f.pendingFailNext(), {});

  f.update({ failRate: 0.25 });
  rnd = 0.2;
  t.same(f.decide('ListAccounts', opts), { kind: 'fail', status: 500, reason: 'failRate' });
  t.same(f.decide('GetCallerIdentity', { rateLimited: false, randomFailures: false }), { kind: 'ok' }, 'STS is exempt');
  rnd = 0.3;
  t.same(f.decide('ListAccounts', opts), { kind: 'ok' });

  const slow = new Faults({ rateLimit: 0.5 }, () => now, () => 1);
  t.equal(slow.decide('ListAccounts', opts).kind, 'ok', 'a limit below 1/s still lets one call through');
  t.equal(slow.decide('ListAccounts', opts).kind, 'fail');
  now += 2000;
  t.equal(slow.decide('ListAccounts', opts).kind, 'ok', 'one more every two seconds');
});
