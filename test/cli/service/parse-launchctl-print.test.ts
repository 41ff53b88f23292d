import t from 'tap';
import { parseLaunchctlPrint } from '../../../src/cli/service/parse-launchctl-print.js';

t.test('parseLaunchctlPrint takes top-level state, pid and last exit code only', async (t) => {
  const running = [
    'gui/501/io.github.aws-sso-agent = {',
    '\tactive count = 1',
    '\tpath = /Users/u/Library/LaunchAgents/io.github.aws-sso-agent.plist',
    '\tstate = running',
    '',
    '\tprogram = /usr/local/bin/node',
    '\targuments = {',
    '\t\t/usr/local/bin/node',
    '\t\tstate = not-a-top-level-key',
    '\t}',
    '\tpid = 4242',
    '\tlast exit code = (never exited)',
    '}',
  ].join('\n');
  t.same(parseLaunchctlPrint(running), { state: 'running', pid: 4242, lastExitCode: '(never exited)' });
  t.same(parseLaunchctlPrint('gui/501/x = {\n\tstate = not running\n\tlast exit code = 1\n}\n'), { state: 'not running', lastExitCode: '1' });
  t.same(parseLaunchctlPrint('Bad request.\nCould not find service "x" in domain for port\n'), {});
});
