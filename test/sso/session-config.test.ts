import t from 'tap';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAwsConfigSessions, loadSettingsSessions, mergeSessions, parseRegion, parseScopes, parseSessionName, parseStartUrl, saveSettingsSessions, sessionNameFor } from '../../src/sso/session-config.js';


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
