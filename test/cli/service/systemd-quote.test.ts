import t from 'tap';
import { systemdQuote } from '../../../src/cli/service/systemd-quote.js';

t.test('systemdQuote: accepted values and how they come out', async (t) => {
  const accepted: Array<[string, 'exec-path' | 'exec-arg' | 'value', string]> = [
    ['/usr/bin/node', 'exec-path', '/usr/bin/node'],
    ['/opt/my apps/node', 'exec-path', '/opt/my apps/node'],
    ['/opt/100%/node', 'exec-path', '/opt/100%%/node'],
    ['/opt/$HOME/node', 'exec-path', '/opt/$HOME/node'],
    ['/opt/$HOME/main.js', 'exec-arg', '/opt/$$HOME/main.js'],
    ['/a/%t/$x', 'exec-arg', '/a/%%t/$$x'],
    ['/home/u/.config/sso-agent/settings.json', 'value', '/home/u/.config/sso-agent/settings.json'],
    ['/a b/$x%', 'value', '/a b/$x%%'],
    ['/ünï/cödé', 'value', '/ünï/cödé'],
  ];
  for (const [v, ctx, want] of accepted) t.equal(systemdQuote(v, ctx), want, `${ctx} ${JSON.stringify(v)}`);
  const rejected = ['/a\nExecStartPre=/bin/evil', '/a\rb', '/a\tb', '/a\u0000b', '/a"b', '/a\\b', '/a\u007fb'];
  for (const v of rejected) {
    t.throws(() => systemdQuote(v, 'value'), { code: 'InvalidInput' }, `rejects ${JSON.stringify(v)}`);
  }
});
