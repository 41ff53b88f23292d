import t from 'tap';
import { role, session } from '../../support/catalog-fixtures.js';
import { planConfig } from '../../../src/cli/aws-config/plan-config.js';

const CMD = '/usr/bin/node /opt/sso/dist/cli/main.js';

t.test('planConfig: pruning, keeping unsynced sessions, refusing orphans', async (t) => {
  const a = role('work', '1', 'A', 'Admin', 'a-admin');
  const b = role('work', '2', 'B', 'Dev', 'b-dev');
  const c = role('lab', '3', 'C', 'Lab', 'c-lab');
  const first = planConfig({ text: '[default]\n', file: 'f', roles: [a, b, c], sessions: [session('work', 'eu-west-1'), session('lab', 'us-east-1')], format: 'credential_process', command: CMD });
  t.same(first.added, ['a-admin', 'b-dev', 'c-lab']);

  const pruned = planConfig({ text: first.text, file: 'f', roles: [a, c], sessions: [session('work', 'eu-west-1'), session('lab', 'us-east-1')], format: 'credential_process', command: CMD });
  t.same(pruned.removed, ['b-dev'], 'a role that disappeared is pruned');
  t.notMatch(pruned.text, /b-dev/);

  // After an agent restart, lab has not synced: its profiles stay; work's roles are current.
  const restarted = planConfig({ text: first.text, file: 'f', roles: [a], sessions: [session('work', 'eu-west-1'), session('lab', 'us-east-1', false)], format: 'credential_process', command: CMD });
  t.same(restarted.kept, ['c-lab']);
  t.same(restarted.removed, ['b-dev']);
  t.match(restarted.warnings.join('\n'), /kept 1 profile of session lab as they were: .*sso-agent login --session lab/);
  t.match(restarted.text, /\[profile c-lab\]\ncredential_process = .* credential-process c-lab\nregion = us-east-1/);
  // …but a session the agent no longer has at all is pruned.
  const gone = planConfig({ text: first.text, file: 'f', roles: [a], sessions: [session('work', 'eu-west-1')], format: 'credential_process', command: CMD });
  t.same(gone.removed, ['b-dev', 'c-lab']);

  const orphan = first.text + 'output = json\n';
  t.throws(() => planConfig({ text: orphan, file: 'f', roles: [a], sessions: [], format: 'credential_process', command: CMD }),
    { code: 'ConfigFileError', message: /line \d+: `output` follows the sso-agent block without a \[section\] header/ });

  const unchanged = planConfig({ text: first.text, file: 'f', roles: [c, b, a], sessions: [session('lab', 'us-east-1'), session('work', 'eu-west-1')], format: 'credential_process', command: CMD });
  t.equal(unchanged.changed, false, 'catalog order does not matter');
  const moved = planConfig({ text: first.text, file: 'f', roles: [a, b, c], sessions: [session('work', 'eu-west-1'), session('lab', 'us-east-1')], format: 'credential_process', command: '/new/node /new/main.js' });
  t.equal(moved.changed, true, 'a moved install rewrites the command');
  t.same(moved.added, []);
  t.same(moved.removed, []);
});
