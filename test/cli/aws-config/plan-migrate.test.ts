import t from 'tap';
import { planMigrate } from '../../../src/cli/aws-config/plan-migrate.js';
import type { CatalogRole, SessionStatus } from '../../../src/core/types.js';

const CMD = 'sso-agent';
const base = `# top comment
[default]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnly
region = eu-west-1

[sso-session corp]
sso_start_url = https://d-1111111111.awsapps.com/start
sso_region = eu-west-1

[profile  spaced ]
  sso_start_url = https://d-2222222222.awsapps.com/start/
  sso_region = us-west-2
  sso_account_id = 222222222222
  sso_role_name = Dev
  output = text

[profile login-only]
sso_session = corp

[profile both]
sso_session = corp
sso_account_id = 1
sso_role_name = R
credential_process = other-tool
`;

t.test('in place, keeping everything else; legacy URLs get a session; idempotent', async (t) => {
  const plan = planMigrate({ text: base, file: 'cfg', command: CMD });
  t.same(plan.migrated, ['default', 'spaced']);
  t.same(plan.addedSessions, ['d-2222222222']);
  t.match(plan.warnings.join('\n'), /\[profile both\] \(line 22\) has both SSO settings and credential_process/);
  t.equal(plan.text, `# top comment
[default]
credential_process = sso-agent credential-process 111111111111:ReadOnly
region = eu-west-1

[sso-session corp]
sso_start_url = https://d-1111111111.awsapps.com/start
sso_region = eu-west-1

[profile  spaced ]
  credential_process = sso-agent credential-process 222222222222:Dev
  output = text

[profile login-only]
sso_session = corp

[profile both]
sso_session = corp
sso_account_id = 1
sso_role_name = R
credential_process = other-tool

[sso-session d-2222222222]
sso_start_url = https://d-2222222222.awsapps.com/start
sso_region = us-west-2
sso_registration_scopes = sso:account:access
`);
  const again = planMigrate({ text: plan.text, file: 'cfg', command: CMD });
  t.equal(again.changed, false);
  t.equal(again.text, plan.text);
});

t.test('the agent\'s names and catalog shape the result; CRLF files stay CRLF', async (t) => {
  const sessions = [{ name: 'work', startUrl: 'https://d-2222222222.awsapps.com/start' }] as SessionStatus[];
  const roles = [{ accountId: '111111111111', roleName: 'ReadOnly' }] as CatalogRole[];
  const plan = planMigrate({ text: base.replace(/\n/g, '\r\n'), file: 'cfg', command: CMD, agent: { roles, sessions } });
  t.same(plan.addedSessions, ['work'], 'the session the agent already has for that start URL');
  t.match(plan.text, /\r\n\[sso-session work\]\r\nsso_start_url = /);
  t.notMatch(plan.text, /[^\r]\n/, 'every line ends with CRLF');
  t.match(plan.warnings.join('\n'), /does not list 222222222222:Dev .* run `sso-agent login`/);
});

t.test('a file the AWS CLI could not parse is refused with the line', async (t) => {
  t.throws(() => planMigrate({ text: '[default]\nregion = a\nregion = b\n', file: 'cfg', command: CMD }), { code: 'ConfigFileError', message: /line 3: `region` is set twice/ });
  t.equal(planMigrate({ text: '[profile x]\nregion = a\n', file: 'cfg', command: CMD }).changed, false, 'nothing to migrate');
});
