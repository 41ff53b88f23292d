/**
 * The CLI as a person runs it: `node dist/cli/main.js …` (built by `npm test`) against a real
 * agent listening on a private socket, backed by the fake core so every answer is known.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../src/logger.js';
import { startDaemon } from '../../src/daemon.js';
import { agentGet } from '../support/agent-get.js';
import { fakeCore, type FakeCore } from '../support/fake-core.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(root, 'dist/cli/main.js');

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function run(args: string[], env: NodeJS.ProcessEnv, opts: { onStderr?: (text: string) => void; onSpawn?: (pid: number) => void } = {}): Promise<Run> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; opts.onStderr?.(stderr); });
    child.on('error', rej);
    if (child.pid) opts.onSpawn?.(child.pid);
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
}

async function setup(): Promise<{ core: FakeCore; env: NodeJS.ProcessEnv; port: number }> {
  const home = mkdtempSync(join(tmpdir(), 'sso-agent-cli-'));
  const socket = join(home, 'run', 'agent.sock');
  const core = fakeCore();
  const d = await startDaemon({ port: 0, socket, logger: createLogger({ level: 'silent' }), createCore: async () => core });
  t.teardown(() => d.close());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: home, SSO_AGENT_SOCK: socket, XDG_RUNTIME_DIR: join(home, 'xdg'),
    AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), SSO_AGENT_SETTINGS: join(home, 'settings.json'),
  };
  return { core, env, port: d.port };
}

t.test('status and ls: tables for people, JSON with --json', async (t) => {
  const { env, port } = await setup();
  let r = await run(['status'], env);
  t.equal(r.code, 3, 'exit 3: session play needs a login');
  t.match(r.stdout, new RegExp(`listening on 127\\.0\\.0\\.1:${port}`));
  t.match(r.stdout, /^work\s+active/m);
  t.match(r.stdout, /play: run `sso-agent login --session play`/);
  r = await run(['status', '--json'], env);
  const s = JSON.parse(r.stdout);
  t.equal(s.agent.port, port);
  t.equal(s.sessions.length, 2);

  r = await run(['ls'], env);
  t.equal(r.code, 0);
  t.match(r.stdout, /^PROFILE\s+SESSION\s+ACCOUNT ID\s+ACCOUNT\s+ROLE\n/);
  t.match(r.stdout, /^dev-admin\s+work\s+222222222222\s+dev\s+Admin$/m);
  r = await run(['ls', '--json'], env);
  const rows = JSON.parse(r.stdout);
  t.equal(rows.length, 4);
  for (const row of rows) for (const k of ['profile', 'session', 'accountId', 'accountName', 'roleName']) t.type(row[k], 'string', k);
  for (const row of rows) t.ok('roleArn' in row, 'the roleArn key is there (null: see ls --help)');
  r = await run(['ls', '--session', 'play', '--json'], env);
  t.equal(JSON.parse(r.stdout).length, 1);
  r = await run(['ls', '--session', 'nope'], env);
  t.equal(r.code, 1, 'an unknown session is an error');
  t.match(r.stderr, /^sso-agent: no SSO session named "nope"/);
  r = await run(['ls', 'prod', '--names'], env);
  t.equal(r.stdout, 'prod-admin\nprod-readonly\n');
  r = await run(['ls', '--jsn'], env);
  t.equal(r.code, 2);
  t.equal(r.stderr, 'sso-agent: ls: unknown option --jsn (did you mean --json?); ls accepts --json, --names, --session SESSION, --account ACCOUNT, --role ROLE, --help\n');
  r = await run(['help', 'ls'], env);
  t.equal(r.code, 0);
  t.match(r.stdout, /^Usage: sso-agent ls/);
});

t.test('env prints sh, fish and JSON; the token works on the TCP port', async (t) => {
  const { env, port } = await setup();
  let r = await run(['env', 'prod-admin'], env);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/);
  t.match(r.stdout, new RegExp(`export AWS_CONTAINER_CREDENTIALS_FULL_URI='http://127\\.0\\.0\\.1:${port}/v1/credentials/prod-admin';`));
  t.match(r.stdout, /^export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE='/m, 'the token file, which survives agent restarts');
  r = await run(['env', '111111111111:Admin', '--format', 'json', '--file-only'], env);
  const vars = JSON.parse(r.stdout);
  t.same(Object.keys(vars).filter((k) => k.startsWith('AWS_CONTAINER')).sort(), ['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'], '--file-only: no token value');
  t.equal(statSync(vars.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE).mode & 0o777, 0o600, 'the token file is private');
  const res = await agentGet(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, { authorization: readFileSync(vars.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, 'utf8') });
  t.equal(res.status, 200);
  t.equal(res.json<{ AccountId: string }>().AccountId, '111111111111');
  r = await run(['env', 'prod-admin', '--format', 'fish'], env);
  t.match(r.stdout, /^set -gx AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE '/m);
  r = await run(['env', 'prod-admin'], env);
  t.match(r.stdout, /^export AWS_CONTAINER_AUTHORIZATION_TOKEN='[A-Za-z0-9_-]{43}';$/m, 'by default the value too, for clients that read only the variable');
  t.match(r.stdout, /^export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE='/m);
  t.notMatch(r.stdout, /secret-|session-token-/, 'env prints no AWS secret');

  r = await run(['env', 'prod-admin', '--format', 'csh'], env);
  t.equal(r.code, 2, 'bad usage exits 2');
  t.match(r.stderr, /--format takes sh, fish, json/);
  r = await run(['env'], env);
  t.equal(r.code, 2);
  r = await run(['env', 'nope'], env);
  t.equal(r.code, 1);
  t.match(r.stderr, /^sso-agent: no profile named "nope": list them with `sso-agent ls`/);
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line, no stack');
});

t.test('exec: the profile env, cleared variables, the child\'s exit status', async (t) => {
  const { env } = await setup();
  const script = 'const e=process.env;console.log(JSON.stringify({u:e.AWS_CONTAINER_CREDENTIALS_FULL_URI,t:e.AWS_CONTAINER_AUTHORIZATION_TOKEN,p:e.AWS_PROFILE,k:e.AWS_ACCESS_KEY_ID,f:e.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE,r:e.AWS_REGION}));process.exit(7)';
  const r = await run(['exec', 'dev-admin', '--', process.execPath, '-e', script], { ...env, AWS_PROFILE: 'x', AWS_ACCESS_KEY_ID: 'AKIA', AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/tmp/t', AWS_REGION: 'eu-west-1' });
  t.equal(r.code, 7, 'exits with the command\'s status');
  const seen = JSON.parse(r.stdout);
  t.match(seen.u, /\/v1\/credentials\/dev-admin$/);
  t.match(seen.t, /^[A-Za-z0-9_-]{43}$/, 'the token value beside the file, as env prints it');
  t.equal(seen.p, undefined);
  t.equal(seen.k, undefined);
  t.match(seen.f, /\/tokens\/dev-admin$/, 'the agent\'s token file replaces the parent\'s');
  t.equal(seen.r, 'eu-west-1');

  // The session's region when the person set none; SSO_AGENT_PROFILE for prompts.
  const own = await run(['exec', 'dev-admin', '--', process.execPath, '-e', 'console.log(process.env.AWS_REGION, process.env.AWS_DEFAULT_REGION, process.env.SSO_AGENT_PROFILE)'], env);
  t.equal(own.stdout, 'us-east-1 us-east-1 dev-admin\n');
  const flag = await run(['exec', 'dev-admin', '--region', 'ap-south-1', '--', process.execPath, '-e', 'console.log(process.env.AWS_REGION)'], { ...env, AWS_REGION: 'eu-west-1' });
  t.equal(flag.stdout, 'ap-south-1\n', '--region overrides');

  const nf = await run(['exec', 'dev-admin', '--', 'no-such-command-xyz'], env);
  t.equal(nf.code, 127, 'not found: 127, as shells do');
  t.equal(nf.stderr, 'sso-agent: no-such-command-xyz: command not found\n');
  const usage = await run(['exec', 'dev-admin', '--'], env);
  t.equal(usage.code, 2);
});

t.test('exec forwards signals and reports a signalled child like a shell', async (t) => {
  const { env } = await setup();
  let pid = 0;
  const script = "process.on('SIGTERM',()=>{console.log('got SIGTERM');process.exit(42)});console.error('ready');setInterval(()=>{},1000)";
  const done = run(['exec', 'dev-admin', '--', process.execPath, '-e', script], env, {
    onSpawn: (p) => { pid = p; },
    onStderr: (text) => { if (text.includes('ready')) process.kill(pid, 'SIGTERM'); },
  });
  const r = await done;
  t.match(r.stdout, /got SIGTERM/, 'the child received the signal');
  t.equal(r.code, 42);
  const killed = await run(['exec', 'dev-admin', '--', process.execPath, '-e', "process.kill(process.pid,'SIGKILL')"], env);
  t.equal(killed.code, 137, '128 + SIGKILL');
});

t.test('credential-process: JSON with Version 1; errors on stderr with exit 1', async (t) => {
  const { env } = await setup();
  let r = await run(['credential-process', 'prod-readonly'], env);
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.equal(out.Version, 1);
  t.match(out, { AccountId: '111111111111', AccessKeyId: /^ASIA/, SecretAccessKey: String, SessionToken: String, Expiration: /Z$/ });
  t.equal(r.stderr, '');
  r = await run(['credential-process', 'sandbox-admin'], env);
  t.equal(r.code, 1);
  t.equal(r.stdout, '', 'nothing on stdout for the SDK to misread');
  t.match(r.stderr, /SSO session play needs a login: run `sso-agent login --session play`/);
  r = await run(['credential-process'], env);
  t.equal(r.code, 2);
});

t.test('login (device code), logout, sync', async (t) => {
  const { env, core } = await setup();
  let r = await run(['login', '--session', 'work', '--device-code', '--no-browser'], env);
  t.equal(r.code, 0, 'an active session: nothing to do, and that is success');
  t.match(r.stdout, /^Session work is already logged in \(token valid until .*\); pass --force to log in again\.\n$/);
  t.same(core.calls.startLogin, [], 'no login was started');

  r = await run(['login', '--session', 'work', '--device-code', '--no-browser', '--force'], env, {
    onStderr: (text) => { if (text.includes('Waiting')) core.approve('work'); },
  });
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, /confirm the code ABCD-EFGH/);
  t.match(r.stderr, /https:\/\/device\.sso/);
  t.equal(r.stdout, 'Logged in to session work: 2 accounts, 3 roles.\n');
  t.same(core.calls.startLogin.at(-1), { flow: 'device', session: 'work', force: true });

  // No display and an SSH session: the policy picks the device flow without being asked.
  r = await run(['login', '--session', 'work', '--no-browser', '--force'], { ...env, SSH_CONNECTION: '1 2 3 4' }, {
    onStderr: (text) => { if (text.includes('Waiting')) core.approve('work'); },
  });
  t.equal(r.code, 0, r.stderr);
  t.equal(core.calls.startLogin.at(-1)?.flow, 'device');
  t.match(r.stderr, /SSH session/);

  r = await run(['login', '--session', 'new', '--start-url', 'https://d-9.awsapps.com/start', '--region', 'us-east-2', '--scopes', 'sso:account:access', '--no-browser', '--device-code'], env, {
    onStderr: (text) => { if (text.includes('Waiting')) core.approve('new'); },
  });
  t.equal(r.code, 0, r.stderr);
  t.same(core.calls.startLogin.at(-1), { flow: 'device', session: 'new', startUrl: 'https://d-9.awsapps.com/start', region: 'us-east-2', scopes: ['sso:account:access'] });

  r = await run(['login', '--session', 'ghost', '--no-browser'], env);
  t.equal(r.code, 1);
  t.match(r.stderr, /no SSO session named "ghost": add it with `sso-agent login --session ghost --start-url URL --region REGION`/);
  r = await run(['login', '--start-url', 'https://x'], env);
  t.equal(r.code, 2);
  t.match(r.stderr, /--start-url and --region go together/);

  r = await run(['logout', '--session', 'work'], env);
  t.equal(r.code, 0);
  t.equal(r.stdout, 'Logged out of work.\n');
  core.logoutFails = true;
  r = await run(['logout', '--session', 'work'], env);
  t.equal(r.code, 0, 'the local logout happened');
  t.match(r.stdout, /Logged out of work\.\nIAM Identity Center did not confirm the sign-out of session work: .*the sign-in stays valid on the server until it expires/);
  core.logoutFails = false;
  r = await run(['logout', '--all', '--session', 'x'], env);
  t.equal(r.code, 2);
  // Refused by the agent, not the CLI: the usage error keeps its exit code across the socket.
  r = await run(['logout'], env);
  t.equal(r.code, 2, 'several sessions and no --session: bad usage');
  t.match(r.stderr, /^sso-agent: there are 3 sessions \(work, play, new\): pass --session NAME or --all\n$/);

  r = await run(['sync', '--session', 'work'], env);
  t.equal(r.code, 0);
  t.match(r.stdout, /^work: 2 accounts, 3 roles in \d+ ms$/m);
  t.same(core.calls.sync, ['work']);
});

t.test('logout with two sessions and no --session exits 2 (a usage error from the agent)', async (t) => {
  const { env, core } = await setup();
  const r = await run(['logout'], env);
  t.equal(r.code, 2);
  t.equal(r.stderr, 'sso-agent: there are 2 sessions (work, play): pass --session NAME or --all\n');
  t.same(core.calls.logout, [], 'nothing was logged out');
});

t.test('session remove: the session and its profiles go; bad usage exits 2', async (t) => {
  const { env, core } = await setup();
  let r = await run(['session', 'remove', 'play'], env);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, 'Removed session play and its 1 profile.\n');
  t.same(core.calls.removeSession, ['play']);
  r = await run(['ls', '--json'], env);
  t.notOk(JSON.parse(r.stdout).some((row: { session: string }) => row.session === 'play'));
  r = await run(['session', 'remove', 'play'], env);
  t.equal(r.code, 1);
  t.match(r.stderr, /no SSO session named "play"/);
  for (const args of [['session'], ['session', 'rename', 'x'], ['session', 'remove'], ['session', 'remove', 'a', 'b']]) {
    r = await run(args, env);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, /session remove/, args.join(' '));
  }
  r = await run(['session', '--help'], env);
  t.match(r.stdout, /Delete the section/);
});

t.test('ls marks the profiles of a session that needs a login; roleArn is null, never invented', async (t) => {
  const { env } = await setup();
  let r = await run(['ls'], env);
  t.match(r.stdout, /^sandbox-admin\s+play\s+333333333333\s+sandbox\s+Admin \(login needed\)$/m);
  t.match(r.stdout, /^prod-admin\s+work\s+111111111111\s+prod\s+Admin$/m);
  r = await run(['ls', '--json'], env);
  const rows = JSON.parse(r.stdout) as Array<{ profile: string; loginNeeded: boolean; roleArn: unknown }>;
  t.same(rows.filter((x) => x.loginNeeded).map((x) => x.profile), ['sandbox-admin']);
  for (const row of rows) t.equal(row.roleArn, null);
});

t.test('every command says the agent is not running and how to start it', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'sso-agent-cli-'));
  const env = { PATH: process.env.PATH, HOME: home, SSO_AGENT_SOCK: join(home, 'nothing.sock') };
  for (const args of [['status'], ['ls'], ['env', 'p'], ['exec', 'p', '--', 'true'], ['credential-process', 'p'], ['login', '--no-browser'], ['logout'], ['sync']]) {
    const r = await run(args, env);
    t.equal(r.code, 1, args.join(' '));
    t.match(r.stderr, /^sso-agent: the agent is not running \(no answer on .*nothing\.sock\): start it with `sso-agent serve`/, args.join(' '));
  }
});

t.test('every command has --help', async (t) => {
  for (const cmd of ['serve', 'login', 'logout', 'sync', 'status', 'ls', 'env', 'exec', 'credential-process', 'demo', 'session', 'completion', 'console']) {
    const r = await run([cmd, '--help'], { PATH: process.env.PATH });
    t.equal(r.code, 0, cmd);
    t.match(r.stdout, new RegExp(`^Usage: sso-agent ${cmd}`), cmd);
  }
});

t.test('credential-process loads neither Fastify nor the AWS SDK', async (t) => {
  // Walk the static import graph of the built entry and the command, as node would load it.
  const seen = new Set<string>();
  const bare = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    // Static imports only, minified or not (`import{a}from"./x.js"`); not `import(` nor `import.meta`.
    for (const m of src.matchAll(/(?:^|[;\s])import(?![\s(.]*[(.])\s*(?!type\b)(?:[^'"();]*?from\s*)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1] as string;
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
      else bare.add(spec);
    }
  };
  walk(MAIN);
  // The bundled entry imports each command's chunk on demand (scripts/bundle.mjs).
  const chunk = /"credential-process":\s*\{[^}]*import\("(\.\/chunks\/[^"]+)"\)/.exec(readFileSync(MAIN, 'utf8'))?.[1];
  t.ok(chunk, 'the entry names the command\'s chunk');
  walk(resolve(dirname(MAIN), chunk ?? 'missing'));
  const offenders = [...bare].filter((s) => !s.startsWith('node:'));
  t.same(offenders, [], `only node: builtins are loaded (saw ${[...bare].join(', ')})`);
  const bytes = [...seen].reduce((n, f) => n + readFileSync(f).length, 0);
  // The error table, the admin client with its socket-ownership check, and the argument parser:
  // about 26 KB. A framework or SDK module in the graph would add hundreds of KB.
  t.ok(bytes < 28_000, `a few small files (${seen.size} files, ${bytes} bytes)`);
});
