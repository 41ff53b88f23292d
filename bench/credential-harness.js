// Shared by bench/credential-*.mjs (a .js file so bench/run.mjs does not run it as a benchmark):
// the emulator in this process, the agent as its own process (`node dist/cli/main.js serve`) in a
// private temp world, logged in with the auto-approved device flow.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MAIN = join(ROOT, 'dist/cli/main.js');

/** GET a path of the agent's admin API over its unix socket; resolves { status, body }. */
export function adminGet(socketPath, path) {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * A private temp HOME for one agent (runtime folder 0700, an AWS config holding `config`) and the
 * environment that points the agent and the CLI at it, none of the caller's AWS_ or SSO_AGENT_ settings.
 */
export function privateHome(prefix, config = '') {
  const home = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(home, 'xdg'), { mode: 0o700 });
  writeFileSync(join(home, 'config'), config);
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('SSO_AGENT_')) env[k] = v;
  Object.assign(env, {
    HOME: home, XDG_RUNTIME_DIR: join(home, 'xdg'), AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), SSO_AGENT_SETTINGS: join(home, 'settings.json'),
    SSO_AGENT_SOCK: join(home, 'xdg', 'agent.sock'),
  });
  return { home, env };
}

export async function startWorld({ accounts = 2, rolesPerAccount = 2, login = true } = {}) {
  const { startEmulator } = await import(join(ROOT, 'dist/emulator/index.js'));
  const em = await startEmulator({ autoApprove: true, accounts, rolesPerAccount, deviceInterval: 0 });
  const { home, env } = privateHome('sso-agent-bench-');
  Object.assign(env, {
    AWS_ENDPOINT_URL_SSO_OIDC: em.url, AWS_ENDPOINT_URL_SSO: em.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  // BENCH_AGENT_NODE_ARGS: node flags for the agent only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`).
  const nodeArgs = (process.env.BENCH_AGENT_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const agent = spawn(process.execPath, [...nodeArgs, MAIN, 'serve', '--port', '0', '--log-level', 'info'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    agent.stdout.on('data', (c) => {
      buf += c;
      const m = /"msg":"listening"/.test(buf) ? /"port":(\d+)/.exec(buf) : null;
      if (m) resolve(Number(m[1]));
    });
    agent.once('exit', (code) => reject(new Error(`agent exited ${code}`)));
  });
  // Async on purpose: the emulator answers from this process, so a blocking spawnSync would deadlock.
  const cli = (args) => new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => { stdout += d; });
    c.stderr.on('data', (d) => { stderr += d; });
    c.on('error', reject);
    c.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  const world = {
    em, env, port, cli, agent, home, socket: env.SSO_AGENT_SOCK,
    async stats() { return (await (await fetch(`${em.url}/_emulator/stats`)).json()).calls; },
    async close() {
      agent.kill('SIGTERM');
      await new Promise((r) => agent.once('exit', r));
      await em.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
  if (!login) return world;
  const loggedIn = await cli(['login', '--session', 'bench', '--start-url', em.startUrl, '--region', em.region, '--device-code', '--no-browser']);
  if (loggedIn.status !== 0) throw new Error(`login failed: ${loggedIn.stderr}`);
  const profiles = JSON.parse((await cli(['ls', '--json'])).stdout);
  const profile = profiles[0].profile;
  const vars = JSON.parse((await cli(['env', profile, '--format', 'json'])).stdout);
  return Object.assign(world, {
    profile, profiles,
    uri: vars.AWS_CONTAINER_CREDENTIALS_FULL_URI,
    token: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN,
  });
}
