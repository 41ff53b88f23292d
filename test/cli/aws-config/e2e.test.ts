/**
 * End to end: emulator + the real agent (`node dist/cli/main.js serve`) + `login` + `config --write`,
 * then two clients nobody here wrote — the AWS CLI v1 and the JS SDK v3 (`fromIni`) — resolve a
 * written profile through `credential_process` and sign an STS call to the emulator, which checks
 * the signature against the secret it issued.
 */
import t from 'tap';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import { startEmulator } from '../../../src/emulator/index.js';
import { tempDir } from '../../support/temp-dirs.js';
import { emulatorControl } from '../../support/emulator-control.js';

const run = promisify(execFile);
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const ROOT = join(import.meta.dirname, '..', '..', '..');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);

const emu = await startEmulator({ autoApprove: true, accounts: 2, rolesPerAccount: 2 });
const control = emulatorControl(emu.url);
t.teardown(() => emu.close());

const home = tempDir(join(tmpdir(), 'sso-agent-cfg-e2e-'));
const runtime = join(home, 'run');
mkdirSync(runtime, { mode: 0o700 });
const sock = join(runtime, 'agent.sock');
const configFile = join(home, '.aws', 'config');

// Only what this test sets: no AWS_* from the machine running the tests may leak in.
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('SSO_AGENT_')));
Object.assign(env, {
  HOME: home,
  XDG_RUNTIME_DIR: runtime,
  SSO_AGENT_SOCK: sock,
  SSO_AGENT_SETTINGS: join(home, 'settings.json'),
  AWS_CONFIG_FILE: configFile,
  AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
  AWS_ENDPOINT_URL_SSO_OIDC: emu.url,
  AWS_ENDPOINT_URL_SSO: emu.url,
  AWS_EC2_METADATA_DISABLED: 'true',
});
// fromIni runs credential_process from this process, with this process's environment.
for (const k of Object.keys(process.env)) if (k.startsWith('AWS_') || k.startsWith('SSO_AGENT_')) delete process.env[k];
process.env.SSO_AGENT_SOCK = sock;

function cli(args: string[], timeout = 30_000) {
  return run(process.execPath, [MAIN, ...args], { env, timeout, cwd: home });
}

function startAgent(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--socket', sock], { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the agent did not log "listening" within 15 s:\n${seen}`)), 15_000);
    const onData = (b: Buffer) => {
      seen += b.toString();
      if (seen.includes('"msg":"listening"')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the agent exited (${code}) before listening:\n${seen}`));
    });
  });
}

let agent = await startAgent();
t.teardown(() => {
  agent.kill('SIGTERM');
});


async function lsJson(): Promise<Array<{ profile: string; accountId: string; roleName: string }>> {
  return JSON.parse((await cli(['ls', '--json'])).stdout);
}

/** Exit code and output of a CLI run that may fail. */
function attempt(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, cwd: tmpdir(), timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

t.test('login, config --write, and real clients sign STS calls through a written profile', async (t) => {
  const login = await cli(['login', '--start-url', emu.startUrl, '--region', emu.region, '--session', 'demo', '--device-code', '--no-browser']);
  t.match(login.stdout, /Logged in to session demo/);

  const ls = JSON.parse((await cli(['ls', '--json'])).stdout) as Array<{ profile: string; accountId: string; roleName: string }>;
  t.equal(ls.length, 4, 'the agent knows 2 accounts × 2 roles');

  const dry = await cli(['config']);
  t.match(dry.stdout, /^\+\[profile /m, 'the dry run shows the sections it would add');
  t.notOk(existsSync(configFile), 'a dry run writes nothing');

  const write = await cli(['config', '--write']);
  t.match(write.stdout, /wrote 4 profiles to /);
  const text = readFileSync(configFile, 'utf8');
  for (const r of ls) t.match(text, `[profile ${r.profile}]\n`, `section for ${r.profile}`);
  const shellClient = join(ROOT, 'bin', 'sso-agent-credential-process.sh');
  t.match(text, new RegExp(`credential_process = /bin/sh ${esc(shellClient)} ${esc(process.execPath)} ${esc(MAIN)} credential-process `), 'curl is here: the shell client, then absolute node + absolute dist/cli/main.js for its fallback');
  t.match(text, `region = ${emu.region}\n`, 'region from the session');
  t.match((await cli(['config', '--write'])).stdout, /is up to date/, 'running twice changes nothing');

  const target = ls[0]!;
  // The AWS CLI v1: botocore splits the command with shlex and runs it without a shell.
  const aws = await run('aws', ['sts', 'get-caller-identity', '--profile', target.profile, '--endpoint-url', emu.url, '--output', 'json'], { env, cwd: tmpdir(), timeout: 60_000 });
  const viaCli = JSON.parse(aws.stdout) as { Account: string; Arn: string };
  t.equal(viaCli.Account, target.accountId, 'AWS CLI v1: the account of the written profile');
  t.match(viaCli.Arn, new RegExp(`^arn:aws:sts::${target.accountId}:assumed-role/[^/]*${esc(target.roleName)}[^/]*/`), 'AWS CLI v1: the role of the written profile');

  // The JS SDK v3: fromIni runs the same line through `sh -c`.
  const other = ls[ls.length - 1]!;
  const sts = new STSClient({
    region: emu.region,
    endpoint: emu.url,
    maxAttempts: 1,
    credentials: fromIni({ profile: other.profile, configFilepath: configFile, filepath: join(home, '.aws', 'credentials'), ignoreCache: true }),
  });
  const viaJs = await sts.send(new GetCallerIdentityCommand({}));
  t.equal(viaJs.Account, other.accountId, 'JS SDK v3: the account of the written profile');
  t.match(viaJs.Arn, new RegExp(`assumed-role/[^/]*${esc(other.roleName)}[^/]*/`), 'JS SDK v3: the role of the written profile');

  const stats = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as { calls: Record<string, number> };
  t.ok((stats.calls.GetCallerIdentity ?? 0) >= 2, 'both STS calls reached the emulator and passed its signature check');

  const secrets = ((await (await fetch(`${emu.url}/_emulator/secrets`)).json()) as { secrets: string[] }).secrets;
  t.ok(secrets.length > 0);
  const written = readFileSync(configFile, 'utf8');
  t.notOk(secrets.some((s) => written.includes(s)), 'no token, key or secret in the config file');
});

t.test('a role removed in IAM Identity Center is pruned; a new one appears', async (t) => {
  const before = await lsJson();
  const gone = before[0]!;
  await control('assignments', { remove: [{ accountId: gone.accountId, roleName: gone.roleName }], add: [{ accountId: '999999999999', accountName: 'New Team', roleName: 'Builder' }] });
  await cli(['sync']);
  const after = await lsJson();
  const added = after.find((r) => r.accountId === '999999999999');
  t.ok(added, 'the agent lists the new role');
  const write = await cli(['config', '--write']);
  t.match(write.stdout, /wrote 4 profiles to .*\(\+1 added, -1 removed\)/);
  const text = readFileSync(configFile, 'utf8');
  t.notMatch(text, `[profile ${gone.profile}]`, 'the removed role is pruned');
  t.match(text, `[profile ${added!.profile}]`, 'the new role is written');

  const pruned = await attempt('aws', ['sts', 'get-caller-identity', '--profile', gone.profile, '--endpoint-url', emu.url]);
  t.not(pruned.code, 0, 'the AWS CLI no longer finds the pruned profile');
  t.match(pruned.stderr, /could not be found/);
  const fresh = await attempt('aws', ['sts', 'get-caller-identity', '--profile', added!.profile, '--endpoint-url', emu.url, '--output', 'json']);
  t.equal(fresh.code, 0, fresh.stderr);
  t.equal((JSON.parse(fresh.stdout) as { Account: string }).Account, '999999999999', 'the new profile signs as the new account');
});

t.test('after an agent restart, before anyone logs in, config --write removes nothing', async (t) => {
  const written = readFileSync(configFile, 'utf8');
  await new Promise<void>((resolve) => {
    agent.once('exit', () => resolve());
    agent.kill('SIGTERM');
  });
  agent = await startAgent();
  const r = await attempt(process.execPath, [MAIN, 'config', '--write']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /is up to date/, 'the catalog kept across the restart gives the same profiles, names and all');
  t.equal(readFileSync(configFile, 'utf8'), written, 'the file is unchanged');
  // The same restart as a person sees it: every profile still listed, each one asking for a login.
  const ls = await attempt(process.execPath, [MAIN, 'ls']);
  t.match(ls.stdout, /\(login needed\)$/m, 'ls lists the known profiles, marked');
  const profile = /^(\S+)\s+demo\s/m.exec(ls.stdout)?.[1];
  t.ok(profile, ls.stdout);
  const proc = await attempt(process.execPath, [MAIN, 'credential-process', profile!]);
  t.equal(proc.code, 1);
  t.equal(proc.stderr, 'sso-agent: SSO session demo needs a login: run `sso-agent login --session demo`\n');

  await cli(['login', '--session', 'demo', '--device-code', '--no-browser']);
  const again = await cli(['config', '--write']);
  t.match(again.stdout, /is up to date/, 'after logging in again the same catalog gives the same file');
});
