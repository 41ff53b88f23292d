/**
 * The credential_process command line must run the same program with the same arguments under
 * botocore (shlex.split, no shell) and the JS/Go SDKs (`sh -c`). Checked here by running real
 * commands both ways from folders with awkward names.
 */
import t from 'tap';
import { findPackageRoot } from '../../../src/package-root.js';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  defaultMainScript, defaultSelfCommand, defaultShellClient, onPath, quoteWord, selfCommand,
} from '../../../src/cli/aws-config/self-command.js';
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

t.test('defaultMainScript points at dist/cli/main.js of the package, from sources as from the build', async (t) => {
  t.equal(defaultMainScript('/opt/app'), '/opt/app/dist/cli/main.js');
  const real = defaultMainScript();
  t.equal(real, realpathSync(join(import.meta.dirname, '..', '..', '..', 'dist', 'cli', 'main.js')), 'this checkout\'s build, found from src/');
});

t.test('findPackageRoot walks up to this package\'s package.json from any depth, and says so when there is none', async (t) => {
  const dir = t.testdir({
    'package.json': JSON.stringify({ name: 'aws-sso-agent', version: '9.9.9' }),
    dist: { cli: { 'main.js': '', chunks: { 'x.js': '' } } },
    node_modules: { other: { 'package.json': JSON.stringify({ name: 'other', version: '1.0.0' }), 'i.js': '' } },
  });
  for (const file of ['dist/cli/main.js', 'dist/cli/chunks/x.js', 'node_modules/other/i.js']) {
    const found = findPackageRoot(pathToFileURL(join(dir, file)).href);
    t.equal(found.root, dir, file);
    t.equal(found.pkg.version, '9.9.9');
  }
  t.throws(() => findPackageRoot(pathToFileURL('/no-such-package-dir/x.js').href), /no package\.json of aws-sso-agent/);
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

t.test('with curl on PATH the line runs the shell client, which hands anything else to node', async (t) => {
  const main = '/opt/My Tools/sso/dist/cli/main.js';
  t.equal(defaultShellClient(main), '/opt/My Tools/sso/bin/sso-agent-credential-process.sh');
  t.equal(selfCommand({ execPath: '/usr/bin/node', mainScript: main, shellClient: defaultShellClient(main) }),
    '/bin/sh "/opt/My Tools/sso/bin/sso-agent-credential-process.sh" /usr/bin/node "/opt/My Tools/sso/dist/cli/main.js"');
  t.throws(() => selfCommand({ execPath: '/usr/bin/node', mainScript: main, shellClient: 'bin/x.sh' }), { message: /shell client path "bin\/x.sh" is not absolute/ });
  t.ok(onPath('sh', { PATH: `/nonexistent${':'}/bin` }));
  t.notOk(onPath('curl', { PATH: '/nonexistent' }));
  t.match(defaultSelfCommand(process.env), /^\/bin\/sh \S*\/bin\/sso-agent-credential-process\.sh /, 'this machine has curl');
  t.notMatch(defaultSelfCommand({ PATH: '/nonexistent' }), /\/bin\/sh/, 'without curl: node and main.js, as before');
});

const SHELL_CLIENT = join(import.meta.dirname, '..', '..', '..', 'bin', 'sso-agent-credential-process.sh');
const execFileAsync = promisify(execFile);

/** A copy of the package layout (bin/ and dist/cli/main.js) in `dir`; main.js prints `node:` and its argv. */
function fakeInstall(dir: string): string {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'dist', 'cli'), { recursive: true });
  copyFileSync(SHELL_CLIENT, join(dir, 'bin', 'sso-agent-credential-process.sh'));
  // The shell clients find the socket through the snippet they share, beside them.
  copyFileSync(join(SHELL_CLIENT, '..', 'sso-agent-socket.sh'), join(dir, 'bin', 'sso-agent-socket.sh'));
  const main = join(dir, 'dist', 'cli', 'main.js');
  writeFileSync(main, 'process.stdout.write("node:" + JSON.stringify(process.argv.slice(2)))');
  symlinkSync(process.execPath, join(dir, 'node'));
  return selfCommand({ execPath: join(dir, 'node'), mainScript: main, shellClient: defaultShellClient(main) });
}

t.test('the shell client line: the same under botocore and sh -c from awkward folders, node when no agent answers', async (t) => {
  const root = tempDir(join(tmpdir(), 'sso-agent-shq-'));
  const folders = ['plain', 'with space', "it's", 'a&b;c', 'paren (1)', 'ünï cödé'];
  const cmds = folders.map((f) => `${fakeInstall(join(root, f))} credential-process work-prod-admin`);
  const env = { ...process.env, SSO_AGENT_SOCK: join(root, 'no-agent.sock') };
  const want = `node:${JSON.stringify(['credential-process', 'work-prod-admin'])}`;
  const viaShlex = JSON.parse(execFileSync('python3', ['-c', SHLEX, JSON.stringify(cmds)], { encoding: 'utf8', cwd: tmpdir(), env })) as string[];
  cmds.forEach((cmd, i) => {
    t.equal(viaShlex[i], want, `botocore-style split runs it: ${cmd}`);
    t.equal(execFileSync('/bin/sh', ['-c', cmd], { encoding: 'utf8', cwd: tmpdir(), env }), want, `sh -c runs it: ${cmd}`);
  });
  // Other subcommands pass through to node unchanged, so the same prefix works for all of them.
  t.equal(execFileSync('/bin/sh', ['-c', `${cmds[1]!.replace(/ credential-process work-prod-admin$/, '')} ls --json`], { encoding: 'utf8', env }), `node:${JSON.stringify(['ls', '--json'])}`);
});

t.test('the shell client asks the socket with curl, prints the answer as sent, and leaves errors to node', async (t) => {
  const root = tempDir(join(tmpdir(), 'sso-agent-shc-'));
  const line = fakeInstall(join(root, 'my tools'));
  const socket = join(root, 'run dir', 'agent.sock');
  // The agent's folder is private (0700), or the shell client leaves the socket to node.
  mkdirSync(join(root, 'run dir'), { mode: 0o700 });
  const body = '{"Version":1,"AccessKeyId":"ASIAX","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-12-01T21:00:00.000Z","AccountId":"111111111111"}\n';
  const seen: string[] = [];
  let status = 200;
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 200 ? body : '{"Code":"LoginRequired","Message":"log in"}');
  });
  await new Promise<void>((r) => server.listen(socket, r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const profile = 'arn:aws:iam::111111111111:role/team/Dev+Ops';
  const env = { ...process.env, SSO_AGENT_SOCK: socket };
  const run = async (e: NodeJS.ProcessEnv) => (await execFileAsync('/bin/sh', ['-c', `${line} credential-process ${quoteWord(profile, 'p')}`], { env: e, encoding: 'utf8' })).stdout;

  t.equal(await run(env), body, 'the bytes the agent sent, newline included');
  t.equal(seen.length, 1);
  t.equal(new URL(seen[0]!, 'http://x').pathname, '/v1/credential-process');
  t.equal(new URL(seen[0]!, 'http://x').searchParams.get('profile'), profile, 'the profile survives percent-encoding');

  // XDG_RUNTIME_DIR decides the path when SSO_AGENT_SOCK is unset, as in src/paths.ts.
  const { SSO_AGENT_SOCK: _drop, ...noSock } = env;
  mkdirSync(join(root, 'xdg', 'sso-agent'), { recursive: true, mode: 0o700 });
  // A symlinked socket is refused (it could point anywhere): move the socket itself, then back.
  const xdgSocket = join(root, 'xdg', 'sso-agent', 'agent.sock');
  symlinkSync(socket, xdgSocket);
  t.equal(await run({ ...noSock, XDG_RUNTIME_DIR: join(root, 'xdg') }), `node:${JSON.stringify(['credential-process', profile])}`, 'a symlinked socket goes to the node entry, which refuses it by name');
  rmSync(xdgSocket);
  renameSync(socket, xdgSocket);
  t.equal(await run({ ...noSock, XDG_RUNTIME_DIR: join(root, 'xdg') }), body, 'found through XDG_RUNTIME_DIR');
  renameSync(xdgSocket, socket);

  status = 409;
  t.equal(await run(env), `node:${JSON.stringify(['credential-process', profile])}`, 'an error answer goes to the node entry, which prints the agent\'s message');
  status = 200;
  t.equal(await run({ ...env, PATH: join(root, 'empty') }), `node:${JSON.stringify(['credential-process', profile])}`, 'no curl on PATH: node');
});
