import t from 'tap';
import { role } from '../../support/catalog-fixtures.js';
import { parseTemplate, profileNameFor, sanitizeProfileName } from '../../../src/cli/aws-config/profile-name.js';

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
