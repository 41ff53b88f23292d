import t from 'tap';
import { formatEnv, formatUnset, childEnv, chooseRegion } from '../../../src/cli/env-lines.js';
import { hasBotoKeys } from '../../../src/cli/isolate/boto-config.js';
import { stripDefaultCredentials } from '../../../src/cli/isolate/strip-default-credentials.js';
import { isDerivedFile, toSave, userValue } from '../../../src/cli/isolate/user-values.js';

t.test('the default profile loses its credential keys and nothing else', async (t) => {
  const config = `# mine\n[default]\nregion = eu-west-1\ncredential_process = tool\n  --flag\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\nlogin_session = arn\noutput = json\n\n[profile default]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = keys\n\n[profile keys]\naws_access_key_id = A\n`;
  const r = stripDefaultCredentials(config, 'config');
  t.ok(r.ok);
  if (!r.ok) return;
  t.equal(r.text, `# mine\n[default]\nregion = eu-west-1\noutput = json\n\n[profile default]\n\n[profile keys]\naws_access_key_id = A\n`, 'continuation lines go with their key; other profiles stay');
  t.same(r.removed.map((k) => k.key), ['credential_process', 'sso_session', 'sso_account_id', 'sso_role_name', 'login_session', 'role_arn', 'source_profile']);

  const creds = stripDefaultCredentials('[default]\naws_access_key_id = A\naws_secret_access_key = B\n[profile default]\naws_access_key_id = C\n', 'credentials');
  t.ok(creds.ok && creds.text === '[default]\n[profile default]\naws_access_key_id = C\n', 'the credentials file names sections literally');

  const untouched = '[default]\nregion = us-east-1\n';
  const same = stripDefaultCredentials(untouched, 'config');
  t.ok(same.ok && same.text === untouched && same.removed.length === 0, 'nothing to remove: the same text');

  const broken = stripDefaultCredentials('[default]\nregion = a\n[default]\n', 'config');
  t.match(broken, { ok: false, line: 3 }, 'a file botocore cannot read is refused with its line');
});

t.test('an earlier env in the same shell is seen through', async (t) => {
  const derived = '/run/user/1/sso-agent/sdk-files/config-0123456789abcdef';
  t.ok(isDerivedFile(derived));
  t.notOk(isDerivedFile('/home/me/.aws/config'));
  t.equal(userValue({ AWS_CONFIG_FILE: derived }, 'AWS_CONFIG_FILE'), undefined, 'a copy is not the person\'s');
  t.equal(userValue({ AWS_CONFIG_FILE: derived, SSO_AGENT_SAVED_AWS_CONFIG_FILE: '/x' }, 'AWS_CONFIG_FILE'), '/x');
  t.equal(userValue({ AWS_REGION: 'eu-west-1', SSO_AGENT_PROFILE: 'p' }, 'AWS_REGION'), undefined, 'a region an earlier env chose is not the person\'s');
  t.equal(chooseRegion(undefined, { AWS_REGION: 'eu-west-1', SSO_AGENT_PROFILE: 'p' }, 'us-east-2'), 'us-east-2', 'so the next profile gets its own session\'s region');
  t.equal(chooseRegion(undefined, { AWS_REGION: 'eu-west-1' }, 'us-east-2'), 'eu-west-1', 'the person\'s own region wins');
  t.same(toSave({ AWS_PROFILE: 'mine', AWS_REGION: 'eu-west-1', AWS_CONFIG_FILE: derived }), { SSO_AGENT_SAVED_AWS_PROFILE: 'mine', SSO_AGENT_SAVED_AWS_REGION: 'eu-west-1' });
  t.same(toSave({ SSO_AGENT_SAVED_AWS_PROFILE: 'mine', SSO_AGENT_PROFILE: 'x', AWS_REGION: 'us-east-2' }), {}, 'a second env keeps the first one\'s saved values');
});

t.test('env prints what --unset reverses', async (t) => {
  const p = { uri: 'http://127.0.0.1:1/v1/credentials/p', token: 'tok', tokenFile: '/r/tokens/p', profile: 'p', region: 'eu-west-1', files: { AWS_CONFIG_FILE: '/r/sdk-files/config-0123456789abcdef', AWS_SHARED_CREDENTIALS_FILE: '/h/.aws/credentials' }, saved: { SSO_AGENT_SAVED_AWS_PROFILE: 'mine' } };
  const sh = formatEnv(p, 'sh');
  t.match(sh, /^unset AWS_PROFILE AWS_DEFAULT_PROFILE .*AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_CREDENTIAL_FILE;$/m);
  t.match(sh, /^export AWS_CONFIG_FILE='\/r\/sdk-files\/config-0123456789abcdef';$/m);
  t.match(sh, /^export SSO_AGENT_SAVED_AWS_PROFILE='mine';$/m);
  const after = childEnv({ AWS_PROFILE: 'mine', AWS_ROLE_ARN: 'x', HOME: '/h' }, p);
  t.equal(after.AWS_PROFILE, undefined);
  t.equal(after.AWS_ROLE_ARN, undefined);
  t.equal(after.AWS_CONFIG_FILE, '/r/sdk-files/config-0123456789abcdef');

  const undo = formatUnset(after, 'sh');
  t.match(undo, /^unset AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_REGION AWS_DEFAULT_REGION SSO_AGENT_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE SSO_AGENT_SAVED_AWS_PROFILE /m);
  t.match(undo, /^export AWS_PROFILE='mine';$/m, 'the person\'s AWS_PROFILE comes back');
  t.match(formatUnset({ SSO_AGENT_SAVED_AWS_CONFIG_FILE: '/my config' }, 'fish'), /^set -gx AWS_CONFIG_FILE '\/my config';$/m);
  t.same(JSON.parse(formatUnset({ SSO_AGENT_SAVED_AWS_REGION: 'eu-west-1' }, 'json')).set, { AWS_REGION: 'eu-west-1' });
});

t.test('boto 2 keys are found where botocore finds them', async (t) => {
  t.ok(hasBotoKeys('[Boto]\ndebug = 0\n[Credentials]\naws_access_key_id = A\n'));
  t.notOk(hasBotoKeys('[Credentials]\ngs_access_key_id = A\n'), 'Google Storage keys are not AWS keys');
  t.notOk(hasBotoKeys('[Other]\naws_access_key_id = A\n'));
});
