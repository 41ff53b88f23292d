/**
 * `sso-agent ssh` against a real OpenSSH server: sshd on 127.0.0.1 and a free port, a throwaway
 * host key and user key, a second unix user as the "remote" user (a home with no sso-agent and no
 * AWS config). In the session botocore and the AWS CLI v1 sign STS GetCallerIdentity against the
 * emulator as the granted roles; a third unix user on the same "remote" cannot use the forward,
 * whether or not it squats the port first; the grant is gone once ssh exits. The sshd runs in a
 * mount namespace of its own whose /root is traversable, so the session finds the Python the AWS
 * CLI v1 lives in (under /root/.pyenv here) at its usual path. Needs root.
 */
import t, { type Test } from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { GrantInfo } from '../../src/core/admin-api.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { ROOT, isolatedWorld, loginPkce, runCli, spawnAgent } from '../support/e2e-harness.js';
import { freePort } from '../support/free-port.js';
import { waitUntil } from '../support/wait-until.js';
import { cleanupOnExit } from '../support/cleanup-on-exit.js';

// A real sshd, two unix users and four ssh sessions: more than the suite's per-file default under load.
t.setTimeout(240_000);
const missing = process.getuid?.() !== 0 ? 'needs root (to add unix users and run sshd)'
  : ['/usr/sbin/sshd', 'ssh', 'ssh-keygen', 'useradd', 'runuser', 'unshare'].find((c) => spawnSync(c.startsWith('/') ? 'test' : 'which', c.startsWith('/') ? ['-x', c] : [c]).status !== 0);
if (missing) {
  t.test('sso-agent ssh against a real sshd', { skip: `missing: ${missing}` }, () => {});
} else {
  t.test('sso-agent ssh against a real sshd', (t) => main(t));
}

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Node as the third user, nothing of this process's environment with it; stdout lines collected. */
function asThird(user: string, script: string, args: string[]) {
  const child = spawn('runuser', ['-u', user, '--', 'env', '-i', process.execPath, '-e', script, ...args], { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  child.stdout.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean)));
  child.stderr.on('data', (c) => { err += c; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, err: () => err, exited };
}

// What the third user tries on the forwarded port: no token, a made-up token.
const PROBE = `const http = require('node:http');
const get = (auth) => new Promise((res) => http.get({ host: '127.0.0.1', port: Number(process.argv[1]), path: '/v1/credentials/' + process.argv[2], headers: auth ? { authorization: auth } : {} }, (r) => {
  let b = ''; r.on('data', (c) => { b += c; }); r.on('end', () => res({ status: r.statusCode, body: b }));
}).on('error', (e) => res({ error: e.code })));
(async () => { for (const a of ['', 'x'.repeat(43)]) console.log(JSON.stringify({ sent: a ? 'a made-up token' : 'no token', ...(await get(a)) })); })();`;

// Holds the port first and prints whatever connects.
const SQUAT = `const s = require('node:net').createServer((c) => { console.log('connection'); c.on('data', (d) => console.log(JSON.stringify({ data: String(d) }))); });
s.listen(Number(process.argv[1]), '127.0.0.1', () => console.log('squatting'));`;

async function main(t: Test): Promise<void> {
  const sfx = randomBytes(3).toString('hex');
  const remoteUser = `ssoa23r${sfx}`;
  const thirdUser = `ssoa23x${sfx}`;
  const base = mkdtempSync(join(tmpdir(), 'sso-agent-ssh-'));
  chmodSync(base, 0o755);
  const procs: ChildProcess[] = [];
  // Also when the runner's timeout stops this file.
  t.teardown(cleanupOnExit(() => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    for (const u of [remoteUser, thirdUser]) {
      // Whatever the test's sessions left running as these users, by pid, then the users.
      const pids = spawnSync('pgrep', ['-u', u], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      for (const pid of pids) spawnSync('kill', ['-KILL', pid]);
      spawnSync('userdel', ['-r', '-f', u]);
    }
    rmSync(base, { recursive: true, force: true });
  }));
  for (const u of [remoteUser, thirdUser]) sh('useradd', ['--create-home', '--home-dir', join(base, u), '--shell', '/bin/bash', '--password', '*', u]);
  const remoteHome = join(base, remoteUser);

  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(base, 'host_key')]);
  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(base, 'user_key')]);
  mkdirSync(join(remoteHome, '.ssh'), { mode: 0o700 });
  writeFileSync(join(remoteHome, '.ssh/authorized_keys'), readFileSync(join(base, 'user_key.pub')), { mode: 0o600 });
  copyFileSync(join(ROOT, 'test/support/py/sts_caller.py'), join(remoteHome, 'sts_caller.py'));
  sh('chown', ['-R', `${remoteUser}:${remoteUser}`, remoteHome]);

  const sshPort = await freePort();
  writeFileSync(join(base, 'sshd_config'), [
    `Port ${sshPort}`, 'ListenAddress 127.0.0.1', `HostKey ${join(base, 'host_key')}`, 'PidFile none',
    'UsePAM no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PubkeyAuthentication yes',
    'AuthorizedKeysFile .ssh/authorized_keys', 'PermitRootLogin no', `AllowUsers ${remoteUser}`,
    // Debian's default: the locale variables pass (and so the token in LC_SSO_AGENT_TOKEN).
    'AcceptEnv LANG LC_*', 'AllowTcpForwarding yes', 'GatewayPorts no', 'StrictModes yes', 'LogLevel VERBOSE', '',
  ].join('\n'));
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  // The remote's /root: a fresh tmpfs (0755) with only the Python install bound back in.
  const pyenv = join(base, 'pyenv');
  mkdirSync(pyenv);
  const python = sh('python3', ['-c', 'import sys; print(sys.executable)']).trim();
  const awsV1 = join(dirname(python), 'aws');
  const sshd = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', [
    `mount --bind /root/.pyenv '${pyenv}'`, 'mount -t tmpfs -o mode=0755 tmpfs /root', 'mkdir /root/.pyenv',
    `mount --bind '${pyenv}' /root/.pyenv`, `exec /usr/sbin/sshd -D -e -f '${join(base, 'sshd_config')}'`,
  ].join(' && ')], { stdio: ['ignore', 'ignore', 'pipe'] });
  procs.push(sshd);
  let sshdLog = '';
  sshd.stderr.on('data', (c) => { sshdLog += c; });
  await waitUntil(() => sshdLog.includes('Server listening'), `sshd listens (${sshdLog})`, 10_000);

  const em = await startEmulator({ autoApprove: true, accounts: 2, rolesPerAccount: 2 });
  t.teardown(() => em.close());
  const world = isolatedWorld(em.url);
  const agent = await spawnAgent(world, ['--log-level', 'info']);
  t.teardown(() => agent.stop());
  const login = await loginPkce(world, ['--session', 'ssh', '--start-url', em.startUrl, '--region', em.region]);
  t.equal(login.code, 0, login.stderr);
  const ls = await runCli(world, ['ls', '--json']);
  t.equal(ls.code, 0, ls.stderr);
  const roles = JSON.parse(ls.stdout) as CatalogRole[];
  const [a, b, c] = [roles[0], roles[3], roles[1]] as [CatalogRole, CatalogRole, CatalogRole];

  const known = join(base, 'known_hosts');
  writeFileSync(known, `[127.0.0.1]:${sshPort} ${readFileSync(join(base, 'host_key.pub'), 'utf8')}`);
  const sshArgs = ['-F', '/dev/null', '-i', join(base, 'user_key'), '-p', String(sshPort), '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
    '-o', `UserKnownHostsFile=${known}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'LogLevel=ERROR', `${remoteUser}@127.0.0.1`];
  const remoteGrants = async (): Promise<GrantInfo[]> => (JSON.parse((await runCli(world, ['grants', '--json'])).stdout) as GrantInfo[]).filter((g) => g.kind === 'remote');

  await t.test('a session signs as the granted roles with botocore and the AWS CLI v1; the third user gets nothing', async (t) => {
    const remotePort = await freePort();
    const flag = join(base, 'session-may-end');
    // The remote command: who and where it is, the variables it got (token masked), real clients,
    // then it waits (bounded) until the test has looked at the machine from outside.
    const remote = [
      'echo "remote: $(id -un) HOME=$HOME; files: $(ls -A $HOME | tr "\\n" " ")"',
      'env | grep -E "^(AWS_|SSO_AGENT_|LC_SSO)" | sort | sed -E "s/(TOKEN=).*/\\1<43 chars>/"',
      `echo "botocore: $(${python} sts_caller.py ${em.url} ${em.region})"`,
      `echo "aws v1: $(${awsV1} sts get-caller-identity --endpoint-url ${em.url} --output text --query Arn)"`,
      `echo "aws v1, second profile: $(AWS_CONTAINER_CREDENTIALS_FULL_URI=\${SSO_AGENT_CREDENTIALS_URL}${b.profile} ${awsV1} sts get-caller-identity --endpoint-url ${em.url} --output text --query Arn)"`,
      `echo "not granted: $(AWS_CONTAINER_CREDENTIALS_FULL_URI=\${SSO_AGENT_CREDENTIALS_URL}${c.profile} ${python} sts_caller.py ${em.url} ${em.region})"`,
      `i=0; while [ ! -e ${flag} ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; echo "session ends"`,
    ].join('; ');
    const session = runCli(world, ['ssh', a.profile, b.profile, '--remote-port', String(remotePort), '--', ...sshArgs, remote]);

    let held: GrantInfo[] = [];
    await waitUntil(async () => (held = await remoteGrants()).length === 1 && spawnSync('pgrep', ['-u', remoteUser, '-f', 'while']).status === 0, 'the session runs', 30_000);
    t.match(held[0], { kind: 'remote', profiles: [a.profile, b.profile], label: `ssh ${remoteUser}@127.0.0.1` });
    t.notOk(held[0]?.expiresAt, 'held by the session: no expiry of its own');

    // The token as the remote shell holds it, read as root from outside.
    const shellPid = sh('pgrep', ['-u', remoteUser, '-f', 'while']).split('\n')[0] as string;
    const environ = readFileSync(`/proc/${shellPid}/environ`, 'utf8').split('\0');
    const token = environ.find((v) => v.startsWith('AWS_CONTAINER_AUTHORIZATION_TOKEN='))?.split('=')[1] ?? '';
    t.match(token, /^[A-Za-z0-9_-]{43}$/, 'the remote shell holds the grant token');
    t.notOk(environ.some((v) => v.startsWith('LC_SSO_AGENT_TOKEN=')), 'the carrier variable is gone');
    t.notOk(sh('ps', ['-eo', 'args']).includes(token), 'no command line on the machine shows the token');
    const hostToken = (JSON.parse((await runCli(world, ['env', a.profile, '--format', 'json'])).stdout) as Record<string, string>).AWS_CONTAINER_AUTHORIZATION_TOKEN;
    t.not(token, hostToken, 'the remote got a grant, not the host token');

    const peek = spawnSync('runuser', ['-u', thirdUser, '--', 'cat', `/proc/${shellPid}/environ`], { encoding: 'utf8' });
    t.not(peek.status, 0, 'the third user cannot read the session\'s environment');
    const probe = asThird(thirdUser, PROBE, [String(remotePort), a.profile]);
    await probe.exited;
    const seen = probe.lines.map((l) => JSON.parse(l) as { sent: string; status?: number; body?: string });
    t.comment(`the third user saw: ${probe.lines.join(' | ')}`);
    t.match(seen, [{ sent: 'no token', status: 401 }, { sent: 'a made-up token', status: 403 }], 'the forward refuses the third user');
    t.notMatch(probe.lines.join(''), /AccessKeyId|ASIA/, 'no credential reached the third user');

    writeFileSync(flag, '');
    const r = await session;
    t.comment(`session transcript:\n${r.stdout}`);
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, new RegExp(`remote: ${remoteUser} HOME=${remoteHome}; files: (?!.*\\.aws)`), 'the remote user, with no AWS config');
    t.match(r.stdout, new RegExp(`AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:${remotePort}/v1/credentials/${a.profile}`));
    t.match(r.stdout, new RegExp(`botocore: \\{"method": "container-role", "arn": "arn:aws:sts::${a.accountId}:assumed-role/`));
    t.match(r.stdout, new RegExp(`aws v1: arn:aws:sts::${a.accountId}:assumed-role/AWSReservedSSO_`));
    t.match(r.stdout, new RegExp(`aws v1, second profile: arn:aws:sts::${b.accountId}:assumed-role/`));
    t.match(r.stdout, /not granted: \{"error": ".*403.*does not cover profile/, 'a profile not named is refused');
    t.same(await remoteGrants(), [], 'the grant is gone once ssh exits');
    const after = asThird(thirdUser, PROBE, [String(remotePort), a.profile]);
    await after.exited;
    t.match(after.lines.map((l) => JSON.parse(l) as object), [{ error: 'ECONNREFUSED' }, { error: 'ECONNREFUSED' }], 'and the remote port is closed');
  });

  await t.test('a port the third user squats first: ssh stops, nothing connects to it, no grant is left', async (t) => {
    const remotePort = await freePort();
    const squat = asThird(thirdUser, SQUAT, [String(remotePort)]);
    procs.push(squat.child);
    await waitUntil(() => squat.lines.includes('squatting'), 'the third user holds the port', 10_000);
    const r = await runCli(world, ['ssh', a.profile, '--remote-port', String(remotePort), '--', ...sshArgs, 'echo this-should-not-run']);
    t.equal(r.code, 255, 'ssh fails');
    t.match(r.stderr, /remote port forwarding failed/);
    t.match(r.stderr, new RegExp(`port ${remotePort} is taken on the remote host`));
    t.notMatch(r.stdout, /this-should-not-run/, 'the remote command never ran');
    t.same(await remoteGrants(), [], 'no grant is left');
    squat.child.kill('SIGTERM');
    await squat.exited;
    t.comment(`the squatter saw: ${JSON.stringify(squat.lines)}`);
    t.same(squat.lines, ['squatting'], 'nothing connected to the squatter');
  });

  t.test('usage errors name the fix', async (t) => {
    const none = await runCli(world, ['ssh', a.profile, remoteUser]);
    t.equal(none.code, 2);
    t.match(none.stderr, /needs `--` before the ssh arguments/);
    const bg = await runCli(world, ['ssh', a.profile, '--', '-f', 'host']);
    t.equal(bg.code, 2);
    t.match(bg.stderr, /-f puts ssh in the background/);
    const noAddress = await runCli(world, ['env', a.profile, '--container']);
    t.equal(noAddress.code, 1, 'a container grant from an agent without a container address');
    t.match(noAddress.stderr, /no container address: start it with `sso-agent serve --container-address 169\.254\.170\.2`/);
  });
}
