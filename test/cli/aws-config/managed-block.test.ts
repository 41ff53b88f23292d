import t from 'tap';
import { findManagedBlock, replaceManagedBlock, detectEol, renderBlock } from '../../../src/cli/aws-config/managed-block.js';

t.test('managed block: find, replace, markers', async (t) => {
  t.equal(detectEol('a\r\nb\n'), '\r\n');
  t.equal(detectEol('a\nb\r\n'), '\n');
  t.equal(detectEol('no break'), '\n');
  t.equal(findManagedBlock('[default]\n'), undefined);

  const block = renderBlock(['[profile x]', 'region = r']).join('\n');
  const text = `top\n${block}\nbottom`;
  const found = findManagedBlock(text);
  t.ok(found);
  t.same(found?.body, ['[profile x]', 'region = r']);
  t.equal(found?.handEdited, false);
  t.equal(found?.beginLine, 2);
  t.equal(findManagedBlock(text.replace('region = r', 'region = s'))?.handEdited, true, 'an edited body no longer matches its checksum');
  t.equal(findManagedBlock(text.replace(/\n/g, '\r\n'))?.handEdited, false, 'converting to CRLF is not an edit');

  const replaced = replaceManagedBlock(text, ['[profile y]']);
  t.ok(replaced.startsWith('top\n# BEGIN sso-agent managed block'));
  t.ok(replaced.endsWith('\nbottom'), 'the text after the block, without a final newline, is untouched');
  t.match(replaced, /\[profile y\]\n# END sso-agent managed block \(sha256:[0-9a-f]{12}\)\nbottom$/);

  t.equal(replaceManagedBlock('', ['[profile y]']), renderBlock(['[profile y]']).join('\n') + '\n', 'empty file: just the block');
  t.ok(replaceManagedBlock('[a]\nk = v', ['[profile y]']).startsWith('[a]\nk = v\n\n# BEGIN'), 'no final newline: one is added before the block');
  t.ok(replaceManagedBlock('[a]\r\nk = v\r\n', ['[profile y]']).startsWith('[a]\r\nk = v\r\n\r\n# BEGIN'), 'CRLF file: CRLF block');
  t.notOk(/[^\r]\n/.test(replaceManagedBlock('[a]\r\nk = v\r\n', ['[profile y]', 'k = v'])), 'no bare LF in a CRLF file');

  const broken: Array<[string, RegExp]> = [
    ['# BEGIN sso-agent managed block\n[a]\n', /line 1: .*without an END/],
    ['[a]\n# END sso-agent managed block\n', /line 2: .*without a BEGIN/],
    ['# END sso-agent managed block\n# BEGIN sso-agent managed block\n', /line 1: .*comes before its BEGIN/],
    ['# BEGIN sso-agent managed block\n# BEGIN sso-agent managed block\n# END sso-agent managed block\n', /line 2: a second/],
    ['# BEGIN sso-agent managed block\n# END sso-agent managed block\n# END sso-agent managed block\n', /line 3: a second/],
  ];
  for (const [text, msg] of broken) t.throws(() => findManagedBlock(text, 'cfg'), { code: 'ConfigFileError', message: msg }, JSON.stringify(text));
});
