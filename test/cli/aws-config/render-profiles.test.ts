import t from 'tap';
import { role, session } from '../../support/catalog-fixtures.js';
import { renderProfiles, type RenderOptions } from '../../../src/cli/aws-config/render-profiles.js';

const CMD = '/usr/bin/node /opt/sso/dist/cli/main.js';

const baseOpts = (over: Partial<RenderOptions> = {}): RenderOptions => ({
  format: 'credential_process', command: CMD, sessions: [session('work', 'eu-west-1')], taken: new Map(), ssoSessionsOutside: new Set(), ...over,
});

t.test('renderProfiles: credential_process sections', async (t) => {
  const roles = [role('work', '222222222222', 'B', 'Dev', 'b-dev'), role('work', '111111111111', 'A', 'Admin', 'a-admin')];
  const r = renderProfiles(roles, baseOpts());
  t.same(r.profiles.map((p) => p.name), ['a-admin', 'b-dev'], 'sorted by profile name');
  t.same(r.profiles[0]?.lines, [
    '# session=work account=111111111111 role=Admin name=A',
    '[profile a-admin]',
    `credential_process = ${CMD} credential-process a-admin`,
    'region = eu-west-1',
  ]);
  t.same(r.warnings, []);
  t.equal(renderProfiles(roles, baseOpts({ region: 'ap-south-1' })).profiles[0]?.lines[3], 'region = ap-south-1', '--region wins over the session');
  t.equal(renderProfiles(roles, baseOpts({ sessions: [] })).profiles[0]?.lines.some((l) => l.startsWith('region')), false, 'no region line when nothing provides one');
  const templated = renderProfiles(roles, baseOpts({ template: 'x-{account_name}-{role_name}' }));
  t.same(templated.profiles.map((p) => p.lines[2]), [`credential_process = ${CMD} credential-process a-admin`, `credential_process = ${CMD} credential-process b-dev`],
    'the section takes the template name, the command keeps the name the agent resolves');
  t.same(templated.profiles.map((p) => p.name), ['x-A-Admin', 'x-B-Dev']);
  const nl = renderProfiles([role('work', '1', 'Evil\nname', 'R', 'p')], baseOpts());
  t.equal(nl.profiles[0]?.lines[0], '# session=work account=1 role=R name=Evil name', 'a line break in an account name cannot escape the comment');
});

t.test('renderProfiles: clashes and duplicates are skipped with a warning naming both', async (t) => {
  const roles = [role('work', '111111111111', 'Prod', 'Admin', 'prod-admin'), role('lab', '333333333333', 'Prod', 'Admin', 'lab-prod-admin'), role('work', '2', 'Dev', 'X', 'mine')];
  const r = renderProfiles(roles, baseOpts({ template: '{account_name}-{role_name}', taken: new Map([['Dev-X', 7]]) }));
  t.same(r.profiles.map((p) => p.name), ['Prod-Admin']);
  t.equal(r.warnings.length, 2);
  t.match(r.warnings.join('\n'), /profile "Dev-X" is already defined on line 7, outside the sso-agent block/);
  t.match(r.warnings.join('\n'), /Prod \(111111111111\) \/ Admin in session work: its profile name "Prod-Admin" is already used for Prod \(333333333333\) \/ Admin in session lab/);
  const weird = renderProfiles([role('work', '1', 'A', 'R', 'bad"name')], baseOpts());
  t.same(weird.profiles, [], 'a name the agent knows only with a quote in it cannot go on the command line');
  t.match(weird.warnings[0], /skipped A \(1\) \/ R in session work: .*cannot quote/);
});

t.test('renderProfiles: sso-session format', async (t) => {
  const roles = [role('work', '111111111111', 'A', 'Admin', 'a-admin'), role('corp', '4', 'C', 'RO', 'c-ro')];
  const r = renderProfiles(roles, baseOpts({ format: 'sso-session', sessions: [session('work', 'eu-west-1'), session('corp', 'us-east-2')], ssoSessionsOutside: new Set(['corp']) }));
  t.same(r.profiles.find((p) => p.name === 'a-admin')?.lines.slice(1), ['[profile a-admin]', 'sso_session = work', 'sso_account_id = 111111111111', 'sso_role_name = Admin', 'region = eu-west-1']);
  t.notOk(r.profiles.some((p) => p.lines.some((l) => l.startsWith('credential_process'))), 'never mixes credential_process with sso_* keys');
  t.same(r.ssoSessions.map((s) => s[1]), ['[sso-session work]'], 'a session already in the file is not repeated');
  t.same(r.ssoSessions[0]?.slice(2), ['sso_start_url = https://work.awsapps.com/start', 'sso_region = eu-west-1', 'sso_registration_scopes = sso:account:access']);
});
