import t from 'tap';
import { canOpenBrowser } from '../../src/cli/browser.js';
import { formatTable, relativeTime } from '../../src/cli/table.js';
import { CLEARED_VARS, childEnv, formatEnv } from '../../src/cli/env-lines.js';
import { parseDurationAtLeast } from '../../src/cli/args.js';
import { formatStatus } from '../../src/cli/commands/status.js';
import { formatProfiles } from '../../src/cli/commands/ls.js';

t.test('canOpenBrowser', async (t) => {
  const desktop = { DISPLAY: ':0' };
  const yes: [NodeJS.ProcessEnv, NodeJS.Platform, boolean][] = [
    [desktop, 'linux', false], [{ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', false], [{}, 'darwin', false], [{}, 'win32', false],
    [{ ...desktop, CI: 'false' }, 'linux', false], [{ ...desktop, CI: '0' }, 'linux', false],
  ];
  const no: [NodeJS.ProcessEnv, NodeJS.Platform, boolean, RegExp][] = [
    [{ ...desktop, SSH_CONNECTION: '10.0.0.1 5000 10.0.0.2 22' }, 'linux', false, /SSH/],
    [{ SSH_TTY: '/dev/pts/1' }, 'darwin', false, /SSH/],
    [{ SSH_CLIENT: '10.0.0.1 5000 22' }, 'darwin', false, /SSH/],
    [{ ...desktop, CI: 'true' }, 'linux', false, /CI/],
    [{ CI: '1' }, 'darwin', false, /CI/],
    [desktop, 'linux', true, /container/],
    [{}, 'linux', false, /display/],
    [{}, 'freebsd', false, /display/],
  ];
  for (const [env, platform, inContainer] of yes) t.same(canOpenBrowser({ env, platform, inContainer }), { canOpen: true }, `${platform} ${JSON.stringify(env)}`);
  for (const [env, platform, inContainer, reason] of no) {
    const d = canOpenBrowser({ env, platform, inContainer });
    t.equal(d.canOpen, false, `${platform} ${JSON.stringify(env)} container=${inContainer}`);
    if (!d.canOpen) t.match(d.reason, reason);
  }
});

t.test('formatTable aligns columns and trims line ends', async (t) => {
  t.equal(formatTable(['A', 'LONG HEADER', 'C'], [['xxxx', 'y', ''], ['z', 'w', 'last']]),
    'A     LONG HEADER  C\nxxxx  y\nz     w            last\n');
  t.equal(formatTable(['A'], []), 'A\n');
});

t.test('relativeTime', async (t) => {
  const now = Date.UTC(2026, 0, 1);
  const at = (ms: number) => new Date(now + ms).toISOString();
  t.equal(relativeTime(undefined, now), '-');
  t.equal(relativeTime('garbage', now), '-');
  t.equal(relativeTime(at(30_000), now), 'in 30s');
  t.equal(relativeTime(at(-42 * 60_000), now), '42m ago');
  t.equal(relativeTime(at(3 * 3_600_000 + 5 * 60_000), now), 'in 3h05m');
  t.equal(relativeTime(at(-3 * 86_400_000), now), '3d ago');
});

const pe = { uri: 'http://127.0.0.1:8732/v1/credentials/prod-admin', token: 'tok_en-123', tokenFile: '/run/user/1000/sso-agent/tokens/prod-admin' };

t.test('formatEnv points at the token file and sets the token beside it; --file-only leaves the token out', async (t) => {
  t.equal(formatEnv({ ...pe, withToken: false }, 'sh'), [
    'unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_CREDENTIAL_FILE;',
    "export AWS_CONTAINER_CREDENTIALS_FULL_URI='http://127.0.0.1:8732/v1/credentials/prod-admin';",
    "export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE='/run/user/1000/sso-agent/tokens/prod-admin';",
    '',
  ].join('\n'));
  t.notMatch(formatEnv({ ...pe, withToken: false }, 'sh'), /tok_en-123/, '--file-only prints no token value');
  t.match(formatEnv(pe, 'sh'), /^export AWS_CONTAINER_AUTHORIZATION_TOKEN='tok_en-123';$/m, 'by default the token too, for clients that read only the variable');
  const fish = formatEnv(pe, 'fish');
  t.match(fish, /^set -e AWS_PROFILE;$/m);
  t.match(fish, /^set -gx AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE '\/run\/user\/1000\/sso-agent\/tokens\/prod-admin';$/m);
  t.same(JSON.parse(formatEnv(pe, 'json')), { AWS_CONTAINER_CREDENTIALS_FULL_URI: pe.uri, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: pe.tokenFile, AWS_CONTAINER_AUTHORIZATION_TOKEN: pe.token });
  t.match(formatEnv({ ...pe, uri: "it's" }, 'sh'), /'it'\\''s'/, 'single quotes are escaped for sh');
});

t.test('childEnv removes every variable that would win over the container provider', async (t) => {
  const parent: NodeJS.ProcessEnv = { PATH: '/bin', HOME: '/h', AWS_REGION: 'eu-west-1' };
  for (const v of CLEARED_VARS) parent[v] = 'set';
  const env = childEnv(parent, pe);
  t.same(Object.keys(env).filter((k) => (CLEARED_VARS as readonly string[]).includes(k)), ['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'], 'only the agent\'s token file and token are set again');
  t.equal(env.PATH, '/bin');
  t.equal(env.AWS_REGION, 'eu-west-1', 'region and other settings stay');
  t.equal(env.AWS_CONTAINER_CREDENTIALS_FULL_URI, pe.uri);
  t.equal(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, pe.tokenFile);
  t.equal(parent.AWS_PROFILE, 'set', 'the parent env is not touched');
});

t.test('formatStatus and formatProfiles', async (t) => {
  const now = Date.UTC(2026, 10, 23, 9);
  const text = formatStatus({
    agent: { version: '0.1.0', pid: 7, port: 8732, socket: '/run/user/1000/sso-agent/agent.sock', startedAt: '2026-11-23T08:00:00.000Z' },
    sessions: [
      { name: 'work', startUrl: 'https://d-1.awsapps.com/start', region: 'us-east-1', state: 'active', tokenExpiresAt: new Date(now + 3_600_000).toISOString(), refreshable: true, lastSync: new Date(now - 120_000).toISOString(), accounts: 2, roles: 5, staleAccounts: 1 },
      { name: 'play', startUrl: 'https://d-2.awsapps.com/start', region: 'eu-west-1', state: 'login-needed', loginNeeded: 'refresh-rejected', refreshable: false, accounts: 0, roles: 0, staleAccounts: 0 },
      { name: 'nap', startUrl: 'https://d-3.awsapps.com/start', region: 'eu-west-1', state: 'refreshing', tokenExpiresAt: new Date(now - 60_000).toISOString(), refreshable: true, accounts: 1, roles: 1, staleAccounts: 0 },
    ],
  }, now);
  t.match(text, /^play\s+login-needed \(sign-in expired\)\s/m, 'the reason a login is needed');
  t.notMatch(text, /nap: run/, 'no login hint for a session the agent is refreshing');
  t.match(text, /pid 7, listening on 127\.0\.0\.1:8732/);
  t.match(text, /^SESSION\s+STATE\s+TOKEN EXPIRES\s+LAST SYNC\s+ACCOUNTS\s+ROLES\s+START URL$/m);
  t.match(text, /^work\s+active\s+in 1h00m \(refreshable\)\s+2m ago\s+2\s+5 \(1 stale\)\s+https:\/\/d-1/m);
  t.match(text, /play: run `sso-agent login --session play`/);
  const lines = text.split('\n').filter((l) => /^(SESSION|work|play) /.test(l));
  t.equal(new Set(lines.map((l) => l.indexOf('https') >= 0 ? l.indexOf('https') : l.indexOf('START URL'))).size, 1, 'the last column lines up');
  t.match(formatStatus({ agent: { version: '0', pid: 1, port: 1, socket: 's', startedAt: 'x' }, sessions: [] }, now), /No sessions/);

  t.match(formatProfiles([]), /No profiles yet/);
  const ls = formatProfiles([{ session: 'work', accountId: '111111111111', accountName: 'prod', roleName: 'Admin', roleArn: 'arn', profile: 'prod-admin', stale: true }]);
  t.match(ls, /^PROFILE\s+SESSION\s+ACCOUNT ID\s+ACCOUNT\s+ROLE$/m);
  t.match(ls, /^prod-admin\s+work\s+111111111111\s+prod\s+Admin \(stale\)$/m);
  const chained = formatProfiles([{ session: 'work', accountId: '222222222222', accountName: '', roleName: 'Deployer', roleArn: 'arn:aws:iam::222222222222:role/Deployer', profile: 'deploy', stale: false, chained: true, source: 'prod-admin' }]);
  t.match(chained, /^deploy\s+work\s+222222222222\s+Deployer \(chained from prod-admin\)$/m, 'a chained profile names its source');
});

t.test('rejectPositionals', async (t) => {
  const { rejectPositionals } = await import('../../src/cli/args.js');
  t.doesNotThrow(() => rejectPositionals('ls', []));
  t.throws(() => rejectPositionals('ls', ['x', 'y']), { code: 'BadUsage', message: 'ls takes no arguments (got x); see `sso-agent ls --help`' });
  t.throws(() => rejectPositionals('sync', ['work'], '--session'), { code: 'BadUsage', message: 'sync takes no arguments (got work); did you mean --session work?' });
});

t.test('parseDurationAtLeast: a floor named in the message; 0 and too small refused', async (t) => {
  t.equal(parseDurationAtLeast('1m', '--sync-interval', 60_000), 60_000);
  t.equal(parseDurationAtLeast('8h', '--sync-interval', 60_000), 8 * 3_600_000);
  for (const v of ['0', '59s', '0.5m', '100ms']) {
    t.throws(() => parseDurationAtLeast(v, '--sync-interval', 60_000), { code: 'BadUsage', message: new RegExp(`--sync-interval must be at least 1m, not "${v.replace('.', '\\.')}"`) }, v);
  }
  t.throws(() => parseDurationAtLeast('-1h', '--sync-interval', 60_000), { code: 'BadUsage', message: /takes a duration such as/ });
  t.throws(() => parseDurationAtLeast('1', '--x', 1500), { message: /at least 1500ms/ });
});

t.test('formatStatus says where sessions are kept, and which were restored', async (t) => {
  const now = Date.UTC(2026, 10, 23, 9);
  const agent = { version: '0', pid: 1, port: 1, socket: 's', startedAt: 'x' };
  const session = { name: 'work', startUrl: 'https://d-1.awsapps.com/start', region: 'us-east-1', state: 'active' as const, refreshable: true, accounts: 1, roles: 1, staleAccounts: 0 };
  const memory = formatStatus({ agent: { ...agent, persist: { mode: 'memory' } }, sessions: [session] }, now);
  t.notMatch(memory, /keychain|restored/, 'the default says nothing');
  const kept = formatStatus({ agent: { ...agent, persist: { mode: 'keychain', state: 'ok' } }, sessions: [{ ...session, restored: true }] }, now);
  t.match(kept, /^sessions are kept in the OS keychain/m);
  t.match(kept, /^work\s+active \(restored\)\s/m);
  const off = formatStatus({ agent: { ...agent, persist: { mode: 'keychain', state: 'unavailable', reason: 'the keychain is locked and was not unlocked (x)' } }, sessions: [session] }, now);
  t.match(off, /^warning: keychain unavailable, sessions are kept in memory only: the keychain is locked/m);
});
