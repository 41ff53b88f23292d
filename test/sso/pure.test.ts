import t from 'tap';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorizeUrl, codeChallenge, codeVerifier, oauthState } from '../../src/sso/pkce.js';
import { cryptoRandom } from '../../src/sso/clock.js';
import { manualClock } from '../support/manual-clock.js';
import { sessionState, tokenRefreshAt, EXPIRING_WINDOW_MS } from '../../src/sso/tokens/session-state.js';
import { catalogDiff, describeDiff } from '../../src/sso/sync/catalog-diff.js';
import {
  loadAwsConfigSessions, loadSettingsSessions, mergeSessions, parseRegion, parseScopes, parseSessionName, parseStartUrl, saveSettingsSessions, sessionNameFor,
} from '../../src/sso/session-config.js';
import { invalidConfig, mapLoginError, mapPortalError } from '../../src/sso/aws-errors.js';
import { AdaptivePacer } from '../../src/sso/sync/pacer.js';
import { authorizeBase } from '../../src/sso/clients.js';

const MIN = 60_000;
const sdkError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const session = { name: 'work', startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1' };

t.test('PKCE: RFC 7636 test vector, verifier alphabet and length, state', async (t) => {
  t.equal(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  const r = cryptoRandom();
  const v = codeVerifier(r);
  t.match(v, /^[A-Za-z0-9\-._~]{64}$/);
  t.not(codeVerifier(r), v);
  t.match(oauthState(r), /^[A-Za-z0-9_-]{32}$/);
  const url = authorizeUrl({ base: 'https://oidc.eu-west-1.amazonaws.com', clientId: 'cid', redirectUri: 'http://127.0.0.1:8732/oauth/callback', state: 'st', scopes: ['sso:account:access', 'x'], challenge: 'ch' });
  t.equal(url, 'https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code&client_id=cid&redirect_uri=http%3A%2F%2F127.0.0.1%3A8732%2Foauth%2Fcallback&state=st&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess%20x&code_challenge=ch');
  t.equal(authorizeBase({ ...session, scopes: [], source: 'aws-config' }, {}), 'https://oidc.eu-west-1.amazonaws.com');
  t.equal(authorizeBase({ ...session, scopes: [], source: 'aws-config' }, { AWS_ENDPOINT_URL_SSO_OIDC: 'http://127.0.0.1:9/' }), 'http://127.0.0.1:9');
});

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

t.test('catalog diff', async (t) => {
  const r = (a: string, n: string) => ({ session: 's', accountId: a, roleName: n });
  const d = catalogDiff([r('1', 'A'), r('1', 'B'), r('2', 'A')], [r('1', 'A'), r('2', 'A'), r('3', 'C')]);
  t.same(d, { added: [r('3', 'C')], removed: [r('1', 'B')] });
  t.same(catalogDiff([], []), { added: [], removed: [] });
  const many = Array.from({ length: 25 }, (_, i) => r(String(i), 'X'));
  const shown = describeDiff({ added: many, removed: [] }, 10);
  t.equal(shown.added.length, 11);
  t.equal(shown.added.at(-1), '…and 15 more');
});

t.test('start URL, region, scopes and session names: accepted and rejected inputs', async (t) => {
  for (const [input, want] of [
    ['https://d-1234567890.awsapps.com/start', 'https://d-1234567890.awsapps.com/start'],
    ['https://d-1234567890.awsapps.com/start/', 'https://d-1234567890.awsapps.com/start'],
    // Pasted from the browser bar: the client-side route is dropped, not refused.
    ['https://mycorp.awsapps.com/start#/', 'https://mycorp.awsapps.com/start'],
    ['https://mycorp.awsapps.com/start/#/', 'https://mycorp.awsapps.com/start'],
    ['https://mycorp.awsapps.com/start/#/?tab=accounts', 'https://mycorp.awsapps.com/start'],
    ['http://d-1234567890.awsapps.com/start', undefined],
    ['d-1234567890.awsapps.com/start', undefined],
    ['https://ssoins-1234.portal.us-east-1.app.aws', 'https://ssoins-1234.portal.us-east-1.app.aws'],
    ['https://x.awsapps.com/start?foo=1', undefined],
  ] as Array<[string, string | undefined]>) {
    if (want === undefined) t.throws(() => parseStartUrl(input), { code: 'InvalidInput' }, input);
    else t.equal(parseStartUrl(input), want, input);
  }
  for (const ok of ['us-east-1', 'eu-west-3', 'us-gov-west-1', 'ap-southeast-2', 'eu-central-2']) t.equal(parseRegion(ok), ok);
  for (const bad of ['', 'mars', 'US-EAST-1', 'us-east', 'us east 1', 'us-east-1; rm']) t.throws(() => parseRegion(bad), { code: 'InvalidInput', message: /--region/ }, bad);
  t.same(parseScopes(undefined), ['sso:account:access']);
  t.same(parseScopes(''), ['sso:account:access']);
  t.same(parseScopes('sso:account:access, codewhisperer:completions'), ['sso:account:access', 'codewhisperer:completions']);
  for (const ok of ['work', 'Work.EU', 'd-1234567890', 'a_b-c', '9', 'x'.repeat(64)]) t.equal(parseSessionName(ok), ok);
  for (const bad of ['', 'bad name', '-work', '.hidden', 'a/b', 'päivä', 'x'.repeat(65), 'work]', 'a;b']) {
    t.throws(() => parseSessionName(bad), { code: 'InvalidInput', message: /use up to 64 letters, digits, '\.', '_' and '-', starting with a letter or digit/ }, bad);
  }
  t.equal(sessionNameFor('https://d-1234567890.awsapps.com/start', new Set()), 'd-1234567890');
  t.equal(sessionNameFor('https://d-1234567890.awsapps.com/start', new Set(['d-1234567890'])), 'd-1234567890-2');
});

t.test('sessions from the AWS config file (AWS_CONFIG_FILE) and the settings file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sso-cfg-'));
  const config = join(dir, 'config');
  await writeFile(config, [
    '[default]', 'region = us-east-1',
    '[sso-session work]', 'sso_start_url = https://d-1111111111.awsapps.com/start', 'sso_region = eu-west-1', 'sso_registration_scopes = sso:account:access',
    '[sso-session legacy]', 'sso_start_url = https://d-2222222222.awsapps.com/start', 'sso_region = us-east-2',
    '[sso-session broken]', 'sso_region = us-east-1',
    '[profile dev]', 'sso_session = work', 'sso_account_id = 111111111111', 'sso_role_name = Admin',
    '',
  ].join('\n'));
  const { sessions, skipped } = await loadAwsConfigSessions({ AWS_CONFIG_FILE: config });
  t.same(sessions.map((s) => [s.name, s.startUrl, s.region, s.scopes.join(','), s.source]), [
    ['work', 'https://d-1111111111.awsapps.com/start', 'eu-west-1', 'sso:account:access', 'aws-config'],
    ['legacy', 'https://d-2222222222.awsapps.com/start', 'us-east-2', 'sso:account:access', 'aws-config'],
  ]);
  t.match(skipped, [/broken.*sso_start_url/]);
  // Edited while running: seen on the next load (the SDK's file cache is bypassed).
  await writeFile(config, '[sso-session other]\nsso_start_url = https://d-3333333333.awsapps.com/start\nsso_region = us-west-2\n');
  t.same((await loadAwsConfigSessions({ AWS_CONFIG_FILE: config })).sessions.map((s) => s.name), ['other']);
  t.same((await loadAwsConfigSessions({ AWS_CONFIG_FILE: join(dir, 'missing') })).sessions, [], 'no config file: no sessions');

  // Validated like --start-url and --region: nothing the flags refuse is ever sent to AWS.
  await writeFile(config, [
    '[sso-session plain]', 'sso_start_url = http://d-4444444444.awsapps.com/start', 'sso_region = us-east-1',
    '[sso-session hostile]', 'sso_start_url = https://d-5555555555.awsapps.com/start', 'sso_region = us-east-1.evil.example/x?',
    '[sso-session query]', 'sso_start_url = https://d-6666666666.awsapps.com/start?x=1', 'sso_region = us-east-1',
    '[sso-session fine]', 'sso_start_url = https://d-7777777777.awsapps.com/start/', 'sso_region = ap-southeast-2',
    '',
  ].join('\n'));
  const checked = await loadAwsConfigSessions({ AWS_CONFIG_FILE: config });
  t.same(checked.sessions.map((s) => [s.name, s.startUrl]), [['fine', 'https://d-7777777777.awsapps.com/start']], 'only the valid one, normalised as the flag would be');
  const esc = config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  t.match(checked.problems.get('plain'), new RegExp(`^\\[sso-session plain\\] in ${esc}: sso_start_url = "http://d-4444444444.awsapps.com/start" must use https \\(got http\\); fix that line`));
  t.match(checked.problems.get('hostile'), new RegExp(`^\\[sso-session hostile\\] in ${esc}: sso_region = "us-east-1.evil.example/x\\?" is not an AWS region`));
  t.match(checked.problems.get('query'), /sso_start_url = .* must not carry a query/);
  t.equal(checked.skipped.length, 3);

  const settings = join(dir, 'sub', 'settings.json');
  t.same(await loadSettingsSessions(settings), [], 'missing settings file is empty');
  await saveSettingsSessions(settings, [{ name: 'added', startUrl: 'https://d-4444444444.awsapps.com/start', region: 'us-east-1', scopes: ['sso:account:access'], source: 'agent-settings' }]);
  t.equal((await stat(settings)).mode & 0o777, 0o600);
  t.equal((await stat(join(dir, 'sub'))).mode & 0o777, 0o700);
  const loaded = await loadSettingsSessions(settings);
  t.same(loaded.map((s) => [s.name, s.source]), [['added', 'agent-settings']]);
  t.notMatch(await readFile(settings, 'utf8'), /token|secret/i);
  t.same(mergeSessions(sessions, [...loaded, { ...loaded[0]!, name: 'work' }]).map((s) => `${s.name}:${s.source}`),
    ['work:aws-config', 'legacy:aws-config', 'added:agent-settings'], 'the AWS config wins a name clash');
  await writeFile(settings, '{not json');
  await t.rejects(loadSettingsSessions(settings), { code: 'ConfigFileError', message: /not valid JSON: fix or delete/ });
});

t.test('AWS errors become the catalog\'s classes in one place', async (t) => {
  t.match(mapLoginError(sdkError('AccessDeniedException', 400), session), { code: 'LoginFailed', message: /denied/ });
  t.match(mapLoginError(sdkError('ExpiredTokenException', 400), session), { code: 'LoginFailed', message: /expired/ });
  t.match(mapLoginError(sdkError('InvalidGrantException', 400), session), { code: 'InvalidSsoConfiguration', message: /https:\/\/d-1234567890\.awsapps\.com\/start in region eu-west-1/ });
  t.match(mapLoginError(sdkError('InvalidRequestException', 400), session), { code: 'InvalidSsoConfiguration', message: /sso_region/ });
  // DNS and connection failures say what happened; only a malformed region blames sso_region.
  const offline = mapLoginError(Object.assign(new Error('getaddrinfo ENOTFOUND oidc.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND', hostname: 'oidc.eu-west-1.amazonaws.com' }), session);
  t.match(offline, { code: 'UpstreamUnreachable', message: /could not reach oidc\.eu-west-1\.amazonaws\.com \(DNS lookup failed\): check the network, DNS or proxy/ });
  t.notMatch(offline.message, /sso_region/);
  t.match(mapLoginError(Object.assign(new Error('getaddrinfo ENOTFOUND oidc.eu-wst1.amazonaws.com'), { code: 'ENOTFOUND' }), { ...session, region: 'eu-wst1' }), { code: 'InvalidSsoConfiguration', message: /"eu-wst1" is not an AWS region.*check sso_region/ });
  t.match(mapPortalError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), session, 'listing'), { code: 'UpstreamUnreachable', message: /^listing: could not reach .*\(connection refused\)/ });
  t.match(mapLoginError(sdkError('InternalServerException', 500), session), { code: 'UpstreamError' });
  t.match(mapPortalError(sdkError('UnauthorizedException', 401), session, 'x'), { code: 'LoginRequired', message: /sso-agent login --session work/ });
  t.match(mapPortalError(sdkError('ForbiddenException', 403), session, 'x'), { code: 'RoleNotAssigned' });
  t.match(mapPortalError(sdkError('TooManyRequestsException', 429), session, 'x'), { code: 'Throttled' });
  t.match(mapPortalError(sdkError('Whatever', 502), session, 'x'), { code: 'UpstreamError' });
  t.notMatch(invalidConfig(session, sdkError('InvalidGrantException', 400)).message, /\n|at .*\.js/, 'one line, no stack');
});

t.test('adaptive pacer: unlimited until throttled, then paced, then climbing back', async (t) => {
  let now = 0;
  const slept: number[] = [];
  const p = new AdaptivePacer({ now: () => now, sleep: async (ms) => { slept.push(ms); now += ms; } });
  for (let i = 0; i < 40; i++) { await p.acquire(); p.onSuccess(); now += 10; }
  t.equal(p.currentRate(), undefined);
  t.same(slept, [], 'no waiting before the first throttle');
  p.onThrottle();
  const rate = p.currentRate()!;
  t.equal(rate, 36, 'starts just under what got through in the last second (40): a burst from a full bucket is not taken as the rate');
  p.onThrottle();
  t.equal(p.currentRate(), rate, 'one cut per episode');
  now += 1500;
  p.onThrottle();
  t.ok(Math.abs(p.currentRate()! - rate * 0.7) < 1e-9, 'then multiplicative decrease');
  const low = p.currentRate()!;
  for (let i = 0; i < 100; i++) { await p.acquire(); p.onSuccess(); }
  t.ok(p.currentRate()! > low, 'additive increase on success');
  t.ok(slept.length > 0 && slept.every((ms) => ms > 0), 'requests were spaced');
});

t.test('adaptive pacer: a throttle after a busy second paces just under what got through, not 30 % below', async (t) => {
  let now = 0;
  const p = new AdaptivePacer({ now: () => now, sleep: async (ms) => { now += ms; } });
  const second = (n: number) => { for (let i = 0; i < n; i++) { p.onSuccess(); now += 1000 / n; } };
  second(200); // a full bucket's burst
  p.onThrottle();
  t.equal(p.currentRate(), 180);
  second(100); // the limit is 100/s
  let before = p.currentRate()!;
  p.onThrottle();
  t.ok(Math.abs(p.currentRate()! - before * 0.7) < 1e-9, 'well above what got through (~180): the 30 % cut');
  second(100);
  before = p.currentRate()!;
  p.onThrottle();
  t.ok(before * 0.7 < 90 && Math.abs(p.currentRate()! - 95) < 1.5, `then 95 % of the ~100/s that got through (${p.currentRate()!.toFixed(1)}), where a cut would give ${(before * 0.7).toFixed(1)}`);
  second(100);
  p.onThrottle();
  t.ok(p.currentRate()! <= 95, 'never raised by a throttle');
});

t.test('adaptive pacer: throttled before any success starts at the fallback rate', async (t) => {
  const { FALLBACK_RATE } = await import('../../src/sso/sync/pacer.js');
  const p = new AdaptivePacer({ now: () => 0, sleep: async () => {} });
  p.onThrottle();
  t.equal(p.currentRate(), FALLBACK_RATE);
});

t.test('ManualClock fires timers in order and reports pending labels', async (t) => {
  const c = manualClock(t, 0);
  const fired: string[] = [];
  c.setTimeout(() => fired.push('b'), 200, 'b');
  const h = c.setTimeout(() => fired.push('x'), 100, 'x');
  c.setTimeout(() => fired.push('a'), 100, 'a');
  c.clearTimeout(h);
  t.same(c.pending().map((p) => p.label), ['a', 'b']);
  await c.advance(150);
  t.same(fired, ['a']);
  t.equal(c.now(), 150);
  t.equal(await c.fireNext('b'), 50);
  t.same(fired, ['a', 'b']);
  await t.rejects(c.waitFor('never', 20), /no never timer/);
});
