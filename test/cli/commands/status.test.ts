import t from 'tap';
import { formatStatus } from '../../../src/cli/commands/status.js';
import { formatProfiles } from '../../../src/cli/commands/ls.js';

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
