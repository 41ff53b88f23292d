/**
 * `sso-agent serve --background` and `sso-agent stop`, as a person without systemd or launchd
 * uses them: the command returns once the agent answers (its own pipes closed: detached), a second
 * copy is refused, the log goes to a file in the state dir with no secret in it, and `stop` ends
 * the agent cleanly (socket removed, process gone).
 */
import t from 'tap';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { isolatedWorld, loginPkce, run, runCli } from '../support/e2e-harness.js';

const em = await startEmulator({ autoApprove: true, accounts: 1, rolesPerAccount: 1 });
t.teardown(() => em.close());
const world = isolatedWorld(em.url);
world.env.XDG_STATE_HOME = join(world.home, 'state');
t.teardown(() => rmSync(world.home, { recursive: true, force: true }));
const logFile = join(world.home, 'state', 'sso-agent', 'agent.log');

let pid = 0;
// Whatever happens below, no agent outlives the test.
t.teardown(() => { try { if (pid) process.kill(pid, 'SIGKILL'); } catch { /* gone */ } });

const alive = (p: number): boolean => { try { process.kill(p, 0); return true; } catch { return false; } };

t.test('serve --background returns once the agent answers, detached', async (t) => {
  const r = await runCli(world, ['serve', '--background', '--port', '0']);
  t.equal(r.code, 0, r.stderr);
  const m = /running in the background \(pid (\d+)\); log: (.+)$/m.exec(r.stdout);
  t.ok(m, r.stdout);
  pid = Number(m?.[1]);
  t.equal(m?.[2], logFile, 'the log is in the state dir');
  t.match(r.stdout, /Stop it with `sso-agent stop`/);
  t.ok(alive(pid), 'the agent runs after the command returned');
  const status = await runCli(world, ['status', '--json']);
  // No session is set up yet, which status reports with its "needs a login" exit (3).
  t.equal(status.code, 3, status.stderr);
  t.equal(JSON.parse(status.stdout).agent.pid, pid, 'and answers on the socket');
  // Its own session: no terminal can send it SIGHUP/SIGINT when the shell goes.
  const ps = await run('ps', ['-o', 'sid=', '-p', String(pid)], process.env);
  t.equal(Number(ps.stdout.trim()), pid, 'it leads its own session');
  t.equal(statSync(logFile).mode & 0o777, 0o600, 'the log file is private');
  t.match(readFileSync(logFile, 'utf8'), /"msg":"listening"/);
});

t.test('a second copy is refused', async (t) => {
  const r = await runCli(world, ['serve', '--background', '--port', '0']);
  t.equal(r.code, 1);
  t.match(r.stderr, /an agent is already running on .*agent\.sock: stop it first/);
  t.equal(JSON.parse((await runCli(world, ['status', '--json'])).stdout).agent.pid, pid, 'the first one still serves');
});

t.test('the log holds no secret after a login and a credential fetch', async (t) => {
  const login = await loginPkce(world, ['--session', 'bg', '--start-url', em.startUrl, '--region', em.region]);
  t.equal(login.code, 0, login.code === 0 ? 'logged in' : login.stderr);
  const role = (JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[])[0] as CatalogRole;
  const creds = JSON.parse((await runCli(world, ['credential-process', role.profile])).stdout) as Record<string, string>;
  const log = readFileSync(logFile, 'utf8');
  t.match(log, /"msg":"sync finished"/, 'the agent logged the login');
  for (const k of ['SecretAccessKey', 'SessionToken', 'AccessKeyId'] as const) t.notMatch(log, creds[k] as string, `no ${k} in the log`);
});

t.test('stop ends it cleanly; stop again is a no-op', async (t) => {
  const socket = world.socket;
  const r = await runCli(world, ['stop']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, `stopped sso-agent (pid ${pid})\n`);
  t.notOk(alive(pid), 'the process is gone when stop returns');
  t.notOk(existsSync(socket), 'the socket is removed');
  t.match(readFileSync(logFile, 'utf8'), /"msg":"stopped"/);
  const again = await runCli(world, ['stop']);
  t.equal(again.code, 0);
  t.match(again.stderr, /no agent is running on .*; nothing to stop/);
});
