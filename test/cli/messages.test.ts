/** The CLI's pure pieces behind the everyday messages: flag errors, ls filters, env region, status exit, login wait. */
import t from 'tap';
import { closestFlag, parseCommandArgs } from '../../src/cli/args.js';
import { filterProfiles, matcher } from '../../src/cli/filter-profiles.js';
import { chooseRegion, formatEnv } from '../../src/cli/env-lines.js';
import { needsLogin } from '../../src/cli/commands/status.js';
import { loginWaitText } from '../../src/cli/commands/login.js';
import type { CatalogRole, LoginPrompt, SessionStatus } from '../../src/core/types.js';

const LS = { json: { type: 'boolean' }, session: { type: 'string', short: 's' }, role: { type: 'string' } } as const;

t.test('a bad flag: one clean line quoting it, what is accepted, the closest', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--jsn'], /^ls: unknown option --jsn \(did you mean --json\?\); ls accepts --json, --session SESSION, --role ROLE, --help$/],
    [['--sesion', 'x'], /unknown option --sesion \(did you mean --session\?\)/],
    [['--frobnicate'], /^ls: unknown option --frobnicate; ls accepts /],
    [['-x'], /^ls: unknown option -x; /],
    [['--session'], /^ls: --session needs a value \(--session SESSION\); see `sso-agent ls --help`$/],
    [['-s'], /^ls: --session needs a value/],
    [['--json=yes'], /^ls: --json takes no value; see `sso-agent ls --help`$/],
  ];
  for (const [argv, want] of cases) {
    let message = '';
    try { parseCommandArgs('ls', argv, LS); } catch (err) { message = (err as Error).message; t.equal((err as { exitCode?: number }).exitCode, 2, 'usage error'); }
    t.match(message, want, argv.join(' '));
    t.notMatch(message, /\n/, 'one line');
    t.equal((message.match(/'/g) ?? []).length % 2, 0, 'quotes balanced');
  }
  t.equal(closestFlag('--device', { 'device-code': { type: 'boolean' }, pkce: { type: 'boolean' } }), '--device-code', 'a prefix');
  t.equal(closestFlag('--zzz', LS), undefined, 'nothing close');
});

const role = (p: Partial<CatalogRole>): CatalogRole => ({
  session: 'work', accountId: '111111111111', accountName: 'prod', roleName: 'Admin', roleArn: 'arn', profile: 'prod-admin', stale: false, ...p,
});
const ROLES = [
  role({}),
  role({ roleName: 'ReadOnly', profile: 'prod-readonly' }),
  role({ accountId: '222222222222', accountName: 'Dev Sandbox', profile: 'dev-sandbox-admin' }),
  role({ session: 'play', accountId: '333333333333', accountName: 'toy', roleName: 'PowerUser', profile: 'play-toy-poweruser' }),
];

t.test('ls filters: substring or glob, ignoring case; all must match', async (t) => {
  const names = (f: Parameters<typeof filterProfiles>[1]) => filterProfiles(ROLES, f).map((r) => r.profile);
  t.same(names({ profile: 'PROD' }), ['prod-admin', 'prod-readonly']);
  t.same(names({ profile: '*admin' }), ['prod-admin', 'dev-sandbox-admin']);
  t.same(names({ profile: 'prod-?dmin' }), ['prod-admin']);
  t.same(names({ account: '222222222222' }), ['dev-sandbox-admin'], 'an account id');
  t.same(names({ account: 'sandbox' }), ['dev-sandbox-admin'], 'part of an account name');
  t.same(names({ role: 'admin', account: 'prod' }), ['prod-admin']);
  t.same(names({ session: 'play' }), ['play-toy-poweruser']);
  t.same(names({ session: 'play', role: 'admin' }), []);
  t.notOk(matcher('a.b')('axb'), 'a dot is literal');
});

t.test('env region: --region, else the person\'s, else the session\'s; both variables', async (t) => {
  t.equal(chooseRegion('ap-south-1', { AWS_REGION: 'eu-west-3' }, 'us-east-1'), 'ap-south-1');
  t.equal(chooseRegion(undefined, { AWS_REGION: 'eu-west-3' }, 'us-east-1'), 'eu-west-3');
  t.equal(chooseRegion(undefined, { AWS_DEFAULT_REGION: 'eu-north-1' }, 'us-east-1'), 'eu-north-1');
  t.equal(chooseRegion(undefined, {}, 'us-east-1'), 'us-east-1');
  const sh = formatEnv({ uri: 'u', token: 'x', tokenFile: '/run/t', region: 'eu-west-1', profile: 'prod-admin' }, 'sh');
  t.match(sh, /^export AWS_REGION='eu-west-1';$/m);
  t.match(sh, /^export AWS_DEFAULT_REGION='eu-west-1';$/m);
  t.match(sh, /^export SSO_AGENT_PROFILE='prod-admin';$/m);
});

t.test('status exit 3 is keyed on the states that need a person', async (t) => {
  const states: Array<[SessionStatus['state'], boolean]> = [
    ['active', false], ['refreshing', false], ['expiring', false], ['login-pending', false], ['not-logged-in', true], ['login-needed', true],
  ];
  for (const [s, want] of states) t.equal(needsLogin(s), want, s);
});

t.test('the login wait says what it waits for, per flow, then the listing', async (t) => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const prompt: LoginPrompt = { session: 'work', flow: 'device', url: 'u', userCode: 'ABCD-EFGH', expiresAt: new Date(now + 300_000).toISOString(), joined: false };
  t.equal(loginWaitText(prompt, undefined, 4, now), 'Waiting for you to confirm the code ABCD-EFGH in the browser and allow access (4s, 300s left)');
  t.match(loginWaitText({ ...prompt, flow: 'pkce' }, undefined, 0, now), /^Waiting for you to sign in and allow access in the browser/);
  const s = { name: 'work', state: 'active', syncProgress: { phase: 'roles', accounts: 40, listed: 12 } } as SessionStatus;
  t.equal(loginWaitText(prompt, s, 9, now), 'Approved; listing roles: 12 of 40 accounts');
  t.equal(loginWaitText(prompt, { ...s, syncProgress: { phase: 'accounts', accounts: 100, listed: 0 } }, 9, now), 'Approved; finding accounts (100 so far)');
});
