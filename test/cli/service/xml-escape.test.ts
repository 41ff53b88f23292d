import t from 'tap';
import { xmlEscape } from '../../../src/cli/service/xml-escape.js';

t.test('xmlEscape: accepted and rejected', async (t) => {
  const accepted: Array<[string, string]> = [
    ['/usr/local/bin/node', '/usr/local/bin/node'],
    ['/Users/a&b/<x>/"q"/\'s\'', '/Users/a&amp;b/&lt;x&gt;/&quot;q&quot;/&apos;s&apos;'],
    ['/Users/ünï/My Apps', '/Users/ünï/My Apps'],
  ];
  for (const [v, want] of accepted) t.equal(xmlEscape(v), want);
  for (const v of ['/a\nb', '/a\u0000b', '/a\u0001b', '/a\tb']) t.throws(() => xmlEscape(v), { code: 'InvalidInput' }, `rejects ${JSON.stringify(v)}`);
});
