import t from 'tap';
import { execStartArgv, expandSpecifiers, parseUnit, splitUnitWords, unitEnvironment, unitValues } from '../../../src/cli/service/parse-unit.js';

t.test('parseUnit and friends read units the way systemd does', async (t) => {
  const text = [
    '# comment', '; also a comment', '[Unit]', 'Description=x', '',
    '[Service]',
    'ExecStart="/opt/my node/node" "/srv/a $$b/main.js" \\',
    '  serve --port 1',
    'Environment="A=1" B=two',
    'Environment="C=%t/sso-agent" "D=100%%"',
    'Environment=A=3',
    '[Install]', 'WantedBy=default.target',
  ].join('\n');
  const unit = parseUnit(text);
  t.same(unitValues(unit, 'Unit', 'Description'), ['x']);
  t.same(unitValues(unit, 'Install', 'WantedBy'), ['default.target']);
  t.same(execStartArgv(text, {}), ['/opt/my node/node', '/srv/a $b/main.js', 'serve', '--port', '1']);
  t.same(unitEnvironment(text, { t: '/run/user/7' }), { A: '3', B: 'two', C: '/run/user/7/sso-agent', D: '100%' });

  t.same(splitUnitWords('a  "b c" d"e f"g'), ['a', 'b c', 'de fg']);
  t.same(splitUnitWords('"x\\"y" "\\\\"'), ['x"y', '\\']);
  t.throws(() => splitUnitWords('"open'), { code: 'InvalidInput' });
  t.equal(expandSpecifiers('%h/x%%y', { h: '/home/u' }), '/home/u/x%y');
  t.throws(() => expandSpecifiers('%Q', {}), /specifier %Q/);
  t.throws(() => parseUnit('Key=before any section'), { code: 'InvalidInput' });
  t.throws(() => execStartArgv('[Service]\nType=simple\n', {}), /one ExecStart= line, found 0/);
});
