import t from 'tap';
import { configFilePath } from '../../../src/cli/aws-config/config-path.js';

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
