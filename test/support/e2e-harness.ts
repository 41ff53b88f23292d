/**
 * Shared by the e2e-*.test.ts files (not a test itself): an isolated world (temp HOME,
 * XDG_RUNTIME_DIR, TMPDIR, AWS config files, settings, socket), the emulator, the agent as a real
 * process (`node dist/cli/main.js serve`), and the CLI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN = join(ROOT, 'dist/cli/main.js');

export interface World { home: string; env: NodeJS.ProcessEnv; socket: string }

/** Nothing on this machine (AWS_* variables, ~/.aws, a running agent) can leak in. */
export function isolatedWorld(emulatorUrl: string): World {
  const home = mkdtempSync(join(tmpdir(), 'sso-agent-e2e-'));
  for (const d of ['home', 'xdg', 'tmp', 'home/.aws']) mkdirSync(join(home, d), { recursive: true, mode: 0o700 });
  writeFileSync(join(home, 'home/.aws/config'), '');
  writeFileSync(join(home, 'home/.aws/credentials'), '');
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('SSO_AGENT_') && !k.startsWith('SSH_')) base[k] = v;
  const socket = join(home, 'xdg', 'sso-agent', 'agent.sock');
  const env: NodeJS.ProcessEnv = {
    ...base,
    HOME: join(home, 'home'),
    XDG_RUNTIME_DIR: join(home, 'xdg'),
    XDG_CONFIG_HOME: join(home, 'home', '.config'),
    TMPDIR: join(home, 'tmp'),
    AWS_CONFIG_FILE: join(home, 'home/.aws/config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'home/.aws/credentials'),
    SSO_AGENT_SETTINGS: join(home, 'home/.config/sso-agent/settings.json'),
    SSO_AGENT_SOCK: socket,
    AWS_ENDPOINT_URL_SSO_OIDC: emulatorUrl,
    AWS_ENDPOINT_URL_SSO: emulatorUrl,
    // A desktop, so `login` picks PKCE; tests pass --no-browser and play the browser themselves.
    DISPLAY: ':99',
  };
  delete env.CI;
  return { home, env, socket };
}

export interface Agent {
  port: number;
  socket: string;
  proc: ChildProcess;
  /** Every stdout line (the pino log) so far. */
  lines: string[];
  stderr: () => string;
  /** SIGTERM and wait; resolves with exit code and how long it took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export function spawnAgent(world: World, args: string[] = []): Promise<Agent> {
  return new Promise((res, rej) => {
    const proc = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--log-level', 'debug', ...args], { env: world.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let err = '';
    let buf = '';
    let ready = false;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
    proc.stderr.on('data', (c) => { err += c; });
    proc.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        if (!ready && line.includes('"msg":"listening"')) {
          ready = true;
          const l = JSON.parse(line) as { port: number; socket: string };
          res({
            port: l.port, socket: l.socket, proc, lines, stderr: () => err,
            async stop(signal = 'SIGTERM') {
              const t0 = Date.now();
              if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
              const r = await exited;
              if (buf) lines.push(buf);
              return { ...r, ms: Date.now() - t0 };
            },
          });
        }
      }
    });
    exited.then(({ code }) => { if (!ready) rej(new Error(`agent exited ${code} before listening: ${err}`)); });
  });
}

export interface CliRun { code: number | null; stdout: string; stderr: string }

export function runCli(world: World, args: string[], opts: { onStderr?: (all: string) => void; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return run(process.execPath, [MAIN, ...args], { ...world.env, ...opts.env }, opts.onStderr);
}

/** Runs any program to completion; `onStderr` sees all of stderr so far after each chunk. */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, onStderr?: (all: string) => void, cwd?: string): Promise<CliRun> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; onStderr?.(stderr); });
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

/**
 * `sso-agent login` with the PKCE flow, the test playing the browser: it takes the authorize URL
 * the CLI prints, lets the emulator (auto-approve) redirect, and follows the redirect to the
 * agent's own /oauth/callback, as a browser would.
 */
export async function loginPkce(world: World, args: string[]): Promise<CliRun & { callbackStatus: number; callbackBody: string }> {
  let browsed = false;
  let callbackStatus = 0;
  let callbackBody = '';
  let browsing: Promise<void> | undefined;
  const r = await runCli(world, ['login', '--pkce', '--no-browser', ...args], {
    onStderr: (text) => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(text);
      if (m && !browsed) {
        browsed = true;
        browsing = (async () => {
          const authorize = await fetch(m[1] as string, { redirect: 'manual' });
          const location = authorize.headers.get('location') ?? '';
          const cb = await fetch(location);
          callbackStatus = cb.status;
          callbackBody = await cb.text();
        })();
      }
    },
  });
  await browsing;
  return { ...r, callbackStatus, callbackBody };
}

/** Parses `sso-agent env --format json` (the token value too, for tests that send it by hand). */
export async function profileEnv(world: World, profile: string): Promise<{ AWS_CONTAINER_CREDENTIALS_FULL_URI: string; AWS_CONTAINER_AUTHORIZATION_TOKEN: string; AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: string }> {
  const r = await runCli(world, ['env', profile, '--format', 'json']);
  if (r.code !== 0) throw new Error(`sso-agent env failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
