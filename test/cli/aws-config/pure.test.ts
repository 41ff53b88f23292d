/** The pure parts of `sso-agent config`, each over lists of accepted and rejected inputs. */
import t from 'tap';
import { validateIni, profileNameOf, ssoSessionNameOf } from '../../../src/cli/aws-config/validate-ini.js';
import { findManagedBlock, replaceManagedBlock, detectEol, renderBlock } from '../../../src/cli/aws-config/managed-block.js';
import { parseTemplate, profileNameFor, sanitizeProfileName } from '../../../src/cli/aws-config/profile-name.js';
import { renderProfiles, type RenderOptions } from '../../../src/cli/aws-config/render-profiles.js';
import { planConfig } from '../../../src/cli/aws-config/plan-config.js';
import { configFilePath } from '../../../src/cli/aws-config/config-path.js';
import { existingNames } from '../../../src/cli/aws-config/existing-profiles.js';
import type { CatalogRole, SessionStatus } from '../../../src/store/types.js';

const role = (session: string, accountId: string, accountName: string, roleName: string, profile = `${session}-${accountId}-${roleName}`): CatalogRole => ({
  session, accountId, accountName, roleName, profile, roleArn: `arn:aws:iam::${accountId}:role/${roleName}`, stale: false,
});
const session = (name: string, region: string, synced = true): SessionStatus => ({
  name, region, startUrl: `https://${name}.awsapps.com/start`, state: synced ? 'active' : 'not-logged-in', refreshable: true,
  ...(synced ? { lastSync: '2026-11-23T09:00:00.000Z' } : {}), accounts: 1, roles: 1, staleAccounts: 0,
});
const CMD = '/usr/bin/node /opt/sso/dist/cli/main.js';

t.test('validateIni accepts what botocore accepts', async (t) => {
  const ok = [
    '',
    '\n\n',
    '# only a comment\n',
    '[default]\nregion = us-east-1\n',
    '[default]\r\nregion = us-east-1\r\n',
    '[default]\nregion: us-east-1\n',
    '[default]\nregion=us-east-1',
    '[default]\n  ; indented comment\nregion = x\n',
    '[services s]\ns3 =\n  endpoint_url = http://localhost\n  addressing_style = path\n',
    '[profile a]\ns3 =\n  x = 1\n\n  y = 2\n', // blank line inside a nested value, like configparser
    '[profile a]\nregion = x\n  [profile b]\n', // indented: a continuation of region, not a section
    '[profile a]\n[profile b]\n',
    '[DEFAULT]\nx = 1\n[DEFAULT]\ny = 2\n',
    '\uFEFF[default]\nregion = x\n',
  ];
  for (const text of ok) t.ok(validateIni(text).ok, JSON.stringify(text));
});

t.test('validateIni rejects what breaks the AWS CLI, naming the line', async (t) => {
  const bad: Array<[string, number, RegExp]> = [
    ['region = x\n[default]\n', 1, /before any \[section\]/],
    ['[default]\nregion us-east-1\n', 2, /not `key = value`/],
    ['[default]\n= value\n', 2, /not `key = value`/],
    ['[a]\n[b]\n[a]\n', 3, /repeats the section already started on line 1/],
    ['[a]\nregion = x\nREGION = y\n', 3, /set twice in \[a\] \(first on line 2/],
    ['[profile __proto__]\n', 1, /JavaScript/],
    ['[default]\r\nregion = x\r\nbroken\r\n', 3, /not `key = value`/],
  ];
  for (const [text, line, problem] of bad) {
    const r = validateIni(text);
    t.equal(r.ok, false, JSON.stringify(text));
    if (!r.ok) {
      t.equal(r.line, line, `line of ${JSON.stringify(text)}`);
      t.match(r.problem, problem);
      t.match(r.problem, new RegExp(`^line ${line}:`));
    }
  }
});

t.test('section names as botocore and the JS SDK read them', async (t) => {
  const cases: Array<[string, string | undefined]> = [
    ['default', 'default'], ['profile default', 'default'], ['profile dev', 'dev'], ['profile   dev ', 'dev'],
    ['profile "my dev"', 'my dev'], ['sso-session corp', undefined], ['services x', undefined], ['dev', undefined], ['profiledev', undefined],
  ];
  for (const [h, want] of cases) t.equal(profileNameOf(h), want, h);
  t.equal(ssoSessionNameOf('sso-session corp'), 'corp');
  t.equal(ssoSessionNameOf('profile corp'), undefined);
});

t.test('existingNames: outside the block only, first definition wins', async (t) => {
  const text = '[default]\n[profile a]\n# BEGIN sso-agent managed block\n[profile b]\n# END sso-agent managed block\n[sso-session s]\n';
  const r = validateIni(text);
  if (!r.ok) throw new Error(r.problem);
  const names = existingNames(r.sections, findManagedBlock(text));
  t.same([...names.profiles], [['default', 1], ['a', 2]]);
  t.same([...names.ssoSessions], ['s']);
});

t.test('managed block: find, replace, markers', async (t) => {
  t.equal(detectEol('a\r\nb\n'), '\r\n');
  t.equal(detectEol('a\nb\r\n'), '\n');
  t.equal(detectEol('no break'), '\n');
  t.equal(findManagedBlock('[default]\n'), undefined);

  const block = renderBlock(['[profile x]', 'region = r']).join('\n');
  const text = `top\n${block}\nbottom`;
  const found = findManagedBlock(text);
  t.ok(found);
  t.same(found?.body, ['[profile x]', 'region = r']);
  t.equal(found?.handEdited, false);
  t.equal(found?.beginLine, 2);
  t.equal(findManagedBlock(text.replace('region = r', 'region = s'))?.handEdited, true, 'an edited body no longer matches its checksum');
  t.equal(findManagedBlock(text.replace(/\n/g, '\r\n'))?.handEdited, false, 'converting to CRLF is not an edit');

  const replaced = replaceManagedBlock(text, ['[profile y]']);
  t.ok(replaced.startsWith('top\n# BEGIN sso-agent managed block'));
  t.ok(replaced.endsWith('\nbottom'), 'the text after the block, without a final newline, is untouched');
  t.match(replaced, /\[profile y\]\n# END sso-agent managed block \(sha256:[0-9a-f]{12}\)\nbottom$/);

  t.equal(replaceManagedBlock('', ['[profile y]']), renderBlock(['[profile y]']).join('\n') + '\n', 'empty file: just the block');
  t.ok(replaceManagedBlock('[a]\nk = v', ['[profile y]']).startsWith('[a]\nk = v\n\n# BEGIN'), 'no final newline: one is added before the block');
  t.ok(replaceManagedBlock('[a]\r\nk = v\r\n', ['[profile y]']).startsWith('[a]\r\nk = v\r\n\r\n# BEGIN'), 'CRLF file: CRLF block');
  t.notOk(/[^\r]\n/.test(replaceManagedBlock('[a]\r\nk = v\r\n', ['[profile y]', 'k = v'])), 'no bare LF in a CRLF file');

  const broken: Array<[string, RegExp]> = [
    ['# BEGIN sso-agent managed block\n[a]\n', /line 1: .*without an END/],
    ['[a]\n# END sso-agent managed block\n', /line 2: .*without a BEGIN/],
    ['# END sso-agent managed block\n# BEGIN sso-agent managed block\n', /line 1: .*comes before its BEGIN/],
    ['# BEGIN sso-agent managed block\n# BEGIN sso-agent managed block\n# END sso-agent managed block\n', /line 2: a second/],
    ['# BEGIN sso-agent managed block\n# END sso-agent managed block\n# END sso-agent managed block\n', /line 3: a second/],
  ];
  for (const [text, msg] of broken) t.throws(() => findManagedBlock(text, 'cfg'), { code: 'ConfigFileError', message: msg }, JSON.stringify(text));
});

t.test('profile names: sanitising and templates', async (t) => {
  const clean: Array<[string, string]> = [
    ['dev', 'dev'], ['Prod Admin', 'Prod-Admin'], ['a//b', 'a-b'], ['-lead-', 'lead'], ['Prodüktion', 'Produktion'],
    ['a b  c', 'a-b-c'], ['x$(rm -rf)', 'x-rm-rf'], ['日本', ''], ['"quoted"', 'quoted'], ['a.b_c-d', 'a.b_c-d'],
  ];
  for (const [raw, want] of clean) t.equal(sanitizeProfileName(raw), want, raw);
  t.equal(sanitizeProfileName('x'.repeat(300)).length, 128);

  const r = role('work', '111111111111', 'My Prod (EU)', 'AdministratorAccess', 'work-my-prod-admin');
  t.equal(profileNameFor(r), 'work-my-prod-admin', 'default: the catalog name');
  t.equal(profileNameFor(r, '{account_name}-{role_name}'), 'My-Prod-EU-AdministratorAccess');
  t.equal(profileNameFor(r, '{session}.{account_id}.{role_name}'), 'work.111111111111.AdministratorAccess');
  t.equal(profileNameFor({ ...r, profile: 'has space' }), 'has-space', 'an unsafe catalog name is made safe too');

  for (const ok of ['{account_name}-{role_name}', '{session}/{account_id}/{role_name}', 'aws-{account_id}']) t.equal(parseTemplate(ok), ok);
  const bad: Array<[string, RegExp]> = [
    ['{account}-{role_name}', /unknown placeholder \{account\}/],
    ['fixed', /no placeholder/],
    ['{role_name', /unbalanced/],
    ['{role_name}}', /unbalanced/],
  ];
  for (const [tpl, msg] of bad) t.throws(() => parseTemplate(tpl), { code: 'BadUsage', message: msg }, tpl);
});

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

t.test('configFilePath: flag, AWS_CONFIG_FILE, ~/.aws/config', async (t) => {
  const env = { HOME: '/home/u' };
  t.equal(configFilePath(undefined, env), '/home/u/.aws/config');
  t.equal(configFilePath(undefined, { ...env, AWS_CONFIG_FILE: '/etc/aws.cfg' }), '/etc/aws.cfg');
  t.equal(configFilePath(undefined, { ...env, AWS_CONFIG_FILE: '~/cfg' }), '/home/u/cfg');
  t.equal(configFilePath(undefined, { ...env, AWS_CONFIG_FILE: 'rel/cfg' }, '/work'), '/work/rel/cfg', 'a relative AWS_CONFIG_FILE too');
  t.equal(configFilePath('rel/cfg', { ...env, AWS_CONFIG_FILE: '/etc/aws.cfg' }, '/work'), '/work/rel/cfg', 'the flag wins, relative to the cwd');
  const copy = '/run/user/1/sso-agent/sdk-files/config-0123456789abcdef';
  t.equal(configFilePath(undefined, { ...env, AWS_CONFIG_FILE: copy }), '/home/u/.aws/config', 'never the private copy `sso-agent env` exported');
  t.equal(configFilePath(undefined, { ...env, AWS_CONFIG_FILE: copy, SSO_AGENT_SAVED_AWS_CONFIG_FILE: '/etc/aws.cfg' }), '/etc/aws.cfg', 'but the person\'s own file');
});
