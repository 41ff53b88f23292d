import t from 'tap';
import { EXPORT_FORMATS, FILE_FORMATS, formatExport } from '../../../src/cli/export/export-formats.js';

const keys = { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'se/cr+et=', SessionToken: 'To/ken+==', Expiration: '2026-12-03T10:00:00.000Z' };

t.test('every format, as printed', async (t) => {
  t.equal(formatExport(keys, 'p', 'env'), "export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'\nexport AWS_SECRET_ACCESS_KEY='se/cr+et='\nexport AWS_SESSION_TOKEN='To/ken+=='\nexport AWS_CREDENTIAL_EXPIRATION='2026-12-03T10:00:00.000Z'\n");
  t.equal(formatExport(keys, 'p', 'fish').split('\n')[0], "set -gx AWS_ACCESS_KEY_ID 'ASIAEXAMPLE';");
  t.equal(formatExport(keys, 'p', 'powershell').split('\n')[1], "$Env:AWS_SECRET_ACCESS_KEY='se/cr+et='");
  t.equal(formatExport(keys, 'p', 'cmd').split('\n')[2], 'set "AWS_SESSION_TOKEN=To/ken+=="');
  t.equal(formatExport(keys, 'p', 'dotenv').split('\n')[3], 'AWS_CREDENTIAL_EXPIRATION=2026-12-03T10:00:00.000Z');
  t.same(JSON.parse(formatExport(keys, 'p', 'json')), { Credentials: keys });
  t.same(JSON.parse(formatExport(keys, 'p', 'process')), { Version: 1, ...keys });
  t.equal(formatExport(keys, 'prod-admin', 'ini'), '[prod-admin]\n# expires 2026-12-03T10:00:00.000Z (sso-agent export: these keys do not renew)\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = se/cr+et=\naws_session_token = To/ken+==\n');
  for (const f of EXPORT_FORMATS) t.match(formatExport(keys, 'p', f), keys.Expiration, `${f} carries the expiry`);
  t.same([...FILE_FORMATS].sort(), ['dotenv', 'ini', 'json', 'process']);
});

t.test('quoting: shell forms quote anything; cmd, dotenv and ini refuse what they cannot carry', async (t) => {
  const odd = { ...keys, SessionToken: "it's %PATH% & $HOME" };
  t.match(formatExport(odd, 'p', 'env'), "export AWS_SESSION_TOKEN='it'\\''s %PATH% & $HOME'");
  t.match(formatExport(odd, 'p', 'fish'), "set -gx AWS_SESSION_TOKEN 'it\\'s %PATH% & $HOME';");
  t.match(formatExport(odd, 'p', 'powershell'), "$Env:AWS_SESSION_TOKEN='it''s %PATH% & $HOME'");
  for (const f of ['cmd', 'dotenv', 'ini'] as const) t.throws(() => formatExport(odd, 'p', f), { code: 'InvalidInput', message: /cannot carry safely: use --format env or json/ }, f);
  t.throws(() => formatExport(keys, 'a/b', 'ini'), { code: 'InvalidInput' }, 'an ini section name that is not a plain name');
});
