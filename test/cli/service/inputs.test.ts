import t from 'tap';
import { checkInputs, type ServiceInputs } from '../../../src/cli/service/inputs.js';

t.test('checkInputs refuses what a service cannot run with', async (t) => {
  const good: ServiceInputs = {
    node: '/usr/bin/node', cli: '/opt/s/dist/cli/main.js', port: 8732, settingsFile: '/h/.config/sso-agent/settings.json',
    awsConfigFile: '/h/.aws/config', runtimeDir: '/run/user/1/sso-agent', logFile: '/h/Library/Logs/sso-agent.log', label: 'io.github.aws-sso-agent',
  };
  t.same(checkInputs(good), good);
  const bad: Array<[Partial<ServiceInputs>, RegExp]> = [
    [{ node: 'node' }, /absolute path for node/],
    [{ cli: 'dist/cli/main.js' }, /absolute path for cli/],
    [{ settingsFile: '~/.config/x' }, /absolute path for settingsFile/],
    [{ port: 0 }, /fixed port from 1 to 65535, not 0: pass --port N/],
    [{ port: 70000 }, /not 70000/],
    [{ port: 1.5 }, /not 1.5/],
    [{ label: '../evil' }, /not a usable launchd label/],
  ];
  for (const [patch, msg] of bad) t.throws(() => checkInputs({ ...good, ...patch }), msg, JSON.stringify(patch));
});
