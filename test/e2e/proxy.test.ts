/**
 * Proxies as the AWS CLI reads them, through a real proxy: tinyproxy (Debian), started here on
 * loopback. The emulator is plain http, so the proxy sees (and logs) every request the agent
 * sends — OIDC, portal listing and GetRoleCredentials. A proxy that is down or refuses gives an
 * error naming it; NO_PROXY sends requests direct.
 */
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import { isolatedWorld, profileEnv, runCli, spawnAgent, type World } from '../support/e2e-harness.js';
import { agentGet } from '../support/agent-get.js';
import { waitUntil } from '../support/wait-until.js';
import { freePort } from '../support/free-port.js';

const emu = await startEmulator({ autoApprove: true, accounts: 2, rolesPerAccount: 1 });
t.teardown(() => emu.close());
const emuHost = new URL(emu.url).host;


interface Proxy { url: string; log: () => string }

/** tinyproxy in the foreground; `allow` is the client address it serves (others get 403). */
async function startTinyproxy(world: World, allow = '127.0.0.1'): Promise<Proxy> {
  const port = await freePort();
  const logFile = join(world.home, `tinyproxy-${port}.log`);
  const conf = join(world.home, `tinyproxy-${port}.conf`);
  writeFileSync(logFile, '');
  writeFileSync(conf, [`Port ${port}`, 'Listen 127.0.0.1', `LogFile "${logFile}"`, 'LogLevel Info', `Allow ${allow}`, 'Timeout 30', 'MaxClients 50', ''].join('\n'));
  const child: ChildProcess = spawn('tinyproxy', ['-d', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.teardown(() => { child.kill('SIGTERM'); });
  const log = () => readFileSync(logFile, 'utf8');
  await waitUntil(() => log().includes('Accepting connections'), 'tinyproxy listening', 10_000);
  return { url: `http://127.0.0.1:${port}`, log };
}

const device = (world: World) => runCli(world, ['login', '--session', 'p', '--start-url', emu.startUrl, '--region', emu.region, '--device-code', '--no-browser']);

t.test('every AWS call goes through the proxy the environment names (lowercase wins)', async (t) => {
  const world = isolatedWorld(emu.url);
  const proxy = await startTinyproxy(world);
  // As in botocore (urllib's getproxies), http_proxy wins over HTTP_PROXY; this one is dead.
  Object.assign(world.env, { http_proxy: proxy.url, HTTP_PROXY: `http://127.0.0.1:${await freePort()}` });
  delete world.env.NO_PROXY;
  delete world.env.no_proxy;
  const agent = await spawnAgent(world);
  t.teardown(() => agent.stop());

  const login = await device(world);
  t.equal(login.code, 0, login.stderr);
  const [first] = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as Array<{ profile: string }>;
  const vars = await profileEnv(world, first?.profile ?? '');
  const creds = await agentGet(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, { authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN });
  t.equal(creds.status, 200);

  const log = proxy.log();
  for (const [method, path] of [['POST', '/client/register'], ['POST', '/device_authorization'], ['POST', '/token'], ['GET', '/assignment/accounts'], ['GET', '/assignment/roles'], ['GET', '/federation/credentials']]) {
    t.match(log, `Request (file descriptor `, 'tinyproxy logged requests');
    t.ok(log.includes(`: ${method} http://${emuHost}${path}`), `the proxy carried ${method} ${path}`);
  }
});

t.test('a proxy that is down: the error names it', async (t) => {
  const world = isolatedWorld(emu.url);
  const dead = `http://127.0.0.1:${await freePort()}`;
  Object.assign(world.env, { HTTP_PROXY: dead });
  const agent = await spawnAgent(world);
  t.teardown(() => agent.stop());
  const login = await device(world);
  t.equal(login.code, 1);
  t.match(login.stderr, `could not reach ${emuHost} through the proxy ${dead} (connection refused)`);
  t.notMatch(login.stderr, /check sso_region/);
  t.equal(login.stderr.trim().split('\n').length, 1, 'one line');
});

t.test('a proxy that refuses: the error names it and what it answered', async (t) => {
  const world = isolatedWorld(emu.url);
  const proxy = await startTinyproxy(world, '10.255.255.1');
  Object.assign(world.env, { HTTPS_PROXY: 'http://127.0.0.1:1', HTTP_PROXY: proxy.url });
  const agent = await spawnAgent(world);
  t.teardown(() => agent.stop());
  const login = await device(world);
  t.equal(login.code, 1);
  t.match(login.stderr, `through the proxy ${proxy.url} (answered HTTP 403)`);
});

t.test('NO_PROXY: matching hosts go direct, as in botocore', async (t) => {
  const world = isolatedWorld(emu.url);
  const proxy = await startTinyproxy(world);
  Object.assign(world.env, { HTTP_PROXY: proxy.url, NO_PROXY: 'example.com, 127.0.0.1' });
  const agent = await spawnAgent(world);
  t.teardown(() => agent.stop());
  const login = await device(world);
  t.equal(login.code, 0, login.stderr);
  t.notMatch(proxy.log(), 'Request (file descriptor', 'nothing went through the proxy');
});
