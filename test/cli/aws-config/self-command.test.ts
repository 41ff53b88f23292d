/**
 * The credential_process command line must run the same program with the same arguments under
 * botocore (shlex.split, no shell) and the JS/Go SDKs (`sh -c`). Checked here by running real
 * commands both ways from folders with awkward names.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultMainScript, quoteWord, selfCommand } from '../../../src/cli/aws-config/self-command.js';
import { tempDir } from '../../support/temp-dirs.js';

t.test('quoteWord: bare when safe, double quotes when needed, refused when impossible', async (t) => {
  const cases: Array<[string, string]> = [
    ['/usr/bin/node', '/usr/bin/node'],
    ['/opt/a-b_c.d/+,:@%=', '/opt/a-b_c.d/+,:@%='],
    ['/Users/Jane Doe/bin/node', '"/Users/Jane Doe/bin/node"'],
    ["/o'brien/x", `"/o'brien/x"`],
    ['/a(b)/c&d;e|f*g?h[i]~j#k', '"/a(b)/c&d;e|f*g?h[i]~j#k"'],
    ['/ünïcödé/x', '"/ünïcödé/x"'],
    ['!x', '"!x"'],
  ];
  for (const [word, want] of cases) t.equal(quoteWord(word, 'p'), want, word);
  for (const bad of ['/a"b', '/a$b', '/a`b`', '/a\\b', '/a\nb', '/a #b', '/a ;b', '']) {
    t.throws(() => quoteWord(bad, 'the path'), { code: 'ConfigFileError' }, JSON.stringify(bad));
  }
  t.throws(() => selfCommand({ execPath: 'node', mainScript: '/x/main.js' }), { message: /not absolute/ });
  t.equal(selfCommand({ execPath: '/usr/bin/node', mainScript: '/opt/My Tools/sso/dist/cli/main.js' }), '/usr/bin/node "/opt/My Tools/sso/dist/cli/main.js"');
});

t.test('defaultMainScript points at dist/cli/main.js, from dist and from sources', async (t) => {
  t.equal(defaultMainScript('file:///opt/app/dist/cli/aws-config/self-command.js'), '/opt/app/dist/cli/main.js');
  t.equal(defaultMainScript('file:///opt/app/src/cli/aws-config/self-command.ts'), '/opt/app/dist/cli/main.js');
  const real = defaultMainScript();
  t.match(real, /\/dist\/cli\/main\.js$/);
  t.equal(defaultMainScript(pathToFileURL(join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'aws-config', 'self-command.ts')).href), real);
});

// botocore's way, for many command lines in one Python start: shlex.split, then run without a shell.
const SHLEX = 'import json, shlex, subprocess, sys\nprint(json.dumps([subprocess.run(shlex.split(c), capture_output=True, text=True, check=True).stdout for c in json.loads(sys.argv[1])]))';

t.test('the same argv under botocore (shlex, no shell) and sh -c, from awkward folders', async (t) => {
  const root = tempDir(join(tmpdir(), 'sso-agent-quote-'));
  const folders = ['plain', 'with space', "it's", 'a&b;c', 'paren (1)', 'star*q?', 'tilde~hash#x', 'ünï cödé', 'two  spaces'];
  const cmds = folders.map((f) => {
    const dir = join(root, f);
    mkdirSync(dir, { recursive: true });
    // The script prints its argv; a symlinked "node" in the same awkward folder exercises both words.
    const script = join(dir, 'main.js');
    writeFileSync(script, 'process.stdout.write(JSON.stringify(process.argv.slice(2)))');
    const node = join(dir, 'node');
    symlinkSync(process.execPath, node);
    return `${selfCommand({ execPath: node, mainScript: script })} credential-process work-prod-admin`;
  });
  const want = JSON.stringify(['credential-process', 'work-prod-admin']);
  const viaShlex = JSON.parse(execFileSync('python3', ['-c', SHLEX, JSON.stringify(cmds)], { encoding: 'utf8', cwd: tmpdir() })) as string[];
  cmds.forEach((cmd, i) => {
    t.equal(viaShlex[i], want, `botocore-style split runs it: ${cmd}`);
    t.equal(execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8', cwd: tmpdir() }), want, `sh -c runs it: ${cmd}`);
  });
});
