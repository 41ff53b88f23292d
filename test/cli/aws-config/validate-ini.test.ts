import t from 'tap';
import { validateIni, profileNameOf, ssoSessionNameOf } from '../../../src/cli/aws-config/validate-ini.js';
import { findManagedBlock } from '../../../src/cli/aws-config/managed-block.js';
import { existingNames } from '../../../src/cli/aws-config/existing-profiles.js';


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
