import t from 'tap';
import { CLEARED_VARS, childEnv, formatEnv } from '../../src/cli/env-lines.js';

const pe = { uri: 'http://127.0.0.1:8732/v1/credentials/prod-admin', token: 'tok_en-123', tokenFile: '/run/user/1000/sso-agent/tokens/prod-admin' };

t.test('formatEnv points at the token file and sets the token beside it; --file-only leaves the token out', async (t) => {
  t.equal(formatEnv({ ...pe, withToken: false }, 'sh'), [
    'unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_CREDENTIAL_FILE;',
    "export AWS_CONTAINER_CREDENTIALS_FULL_URI='http://127.0.0.1:8732/v1/credentials/prod-admin';",
    "export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE='/run/user/1000/sso-agent/tokens/prod-admin';",
    '',
  ].join('\n'));
  t.notMatch(formatEnv({ ...pe, withToken: false }, 'sh'), /tok_en-123/, '--file-only prints no token value');
  t.match(formatEnv(pe, 'sh'), /^export AWS_CONTAINER_AUTHORIZATION_TOKEN='tok_en-123';$/m, 'by default the token too, for clients that read only the variable');
  const fish = formatEnv(pe, 'fish');
  t.match(fish, /^set -e AWS_PROFILE;$/m);
  t.match(fish, /^set -gx AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE '\/run\/user\/1000\/sso-agent\/tokens\/prod-admin';$/m);
  t.same(JSON.parse(formatEnv(pe, 'json')), { AWS_CONTAINER_CREDENTIALS_FULL_URI: pe.uri, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: pe.tokenFile, AWS_CONTAINER_AUTHORIZATION_TOKEN: pe.token });
  t.match(formatEnv({ ...pe, uri: "it's" }, 'sh'), /'it'\\''s'/, 'single quotes are escaped for sh');
});

t.test('childEnv removes every variable that would win over the container provider', async (t) => {
  const parent: NodeJS.ProcessEnv = { PATH: '/bin', HOME: '/h', AWS_REGION: 'eu-west-1' };
  for (const v of CLEARED_VARS) parent[v] = 'set';
  const env = childEnv(parent, pe);
  t.same(Object.keys(env).filter((k) => (CLEARED_VARS as readonly string[]).includes(k)), ['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'], 'only the agent\'s token file and token are set again');
  t.equal(env.PATH, '/bin');
  t.equal(env.AWS_REGION, 'eu-west-1', 'region and other settings stay');
  t.equal(env.AWS_CONTAINER_CREDENTIALS_FULL_URI, pe.uri);
  t.equal(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, pe.tokenFile);
  t.equal(parent.AWS_PROFILE, 'set', 'the parent env is not touched');
});
