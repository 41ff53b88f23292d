/**
 * A real Secret Service for the keychain tests: a private D-Bus session bus (`dbus-daemon`) and
 * `gnome-keyring-daemon` on it, its keyrings under the test's HOME, so nothing touches the
 * machine's own keychain. `secret-tool` (libsecret) reads back what the agent stored, as a person
 * would. (Not named *.test.ts, so tap does not run it as a test file.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROOT, run } from './e2e-harness.js';
import { waitUntil } from './wait-until.js';

export const KEYRING_PASSWORD = 'a-test-keyring-password';

export interface Bus { address: string; close(): Promise<void> }

/** A private session bus; `config` picks another bus configuration (e.g. one with no services). */
export function startBus(dir: string, config?: string): Promise<Bus> {
  const sockDir = mkdtempSync(join(dir, 'dbus-'));
  const args = ['--nofork', '--print-address=1', `--address=unix:path=${join(sockDir, 'bus')}`, config ? `--config-file=${config}` : '--session'];
  const proc = spawn('dbus-daemon', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((res, rej) => {
    let out = '';
    proc.once('error', rej);
    proc.once('exit', (code) => rej(new Error(`dbus-daemon exited ${code}`)));
    proc.stdout!.on('data', (c) => {
      out += c;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) res({ address: line.trim(), close: () => stop(proc) });
    });
  });
}

export const NO_SERVICES_BUS = resolve(ROOT, 'test/fixtures/dbus/no-services.conf');

export interface SecretService {
  /** DBUS_SESSION_BUS_ADDRESS for the agent and secret-tool. */
  address: string;
  /** Items `secret-tool search --all service SERVICE` finds: label, attributes, secret. */
  items(service?: string): Promise<KeyringItem[]>;
  /** A new daemon replaces the running one with the keyring locked: the agent's calls then fail (no prompt can show). */
  lock(): Promise<void>;
  /** A new daemon replaces the running one, with the keyring unlocked (as a desktop login does). */
  unlock(): Promise<void>;
  close(): Promise<void>;
}

export interface KeyringItem { label: string; attributes: Record<string, string>; secret: string }

/**
 * gnome-keyring-daemon with its keyrings in `home`. `unlock`: the login keyring is created (the
 * first time) or opened with KEYRING_PASSWORD; without it the keyring stays locked, as after a
 * boot without a desktop login, and the daemon's unlock prompt cannot show (no display).
 */
export async function startSecretService(o: { home: string; runtimeDir: string; unlock: boolean }): Promise<SecretService> {
  const bus = await startBus(o.runtimeDir);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: o.home, XDG_RUNTIME_DIR: o.runtimeDir, DBUS_SESSION_BUS_ADDRESS: bus.address };
  const owner = async (): Promise<string> => (await run('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetNameOwner', 'string:org.freedesktop.secrets'], env)).stdout;
  const startDaemon = async (unlock: boolean, replace: boolean): Promise<ChildProcess> => {
    const before = replace ? await owner() : '';
    const d = spawn('gnome-keyring-daemon', ['--foreground', '--components=secrets', ...(replace ? ['--replace'] : []), ...(unlock ? ['--unlock'] : [])], { env, stdio: ['pipe', 'ignore', 'ignore'] });
    d.stdin!.end(unlock ? KEYRING_PASSWORD : '');
    // Until the daemon owns the name, a client would make the bus start a second, locked one.
    await waitUntil(async () => { const now = await owner(); return /string "/.test(now) && now !== before; }, 'gnome-keyring-daemon owns org.freedesktop.secrets', 10_000);
    return d;
  };
  let daemon = await startDaemon(o.unlock, false);
  return {
    async lock() {
      // As after a reboot without a desktop login: a daemon that starts without the password.
      const old = daemon;
      daemon = await startDaemon(false, true);
      await stop(old);
    },
    async unlock() {
      const old = daemon;
      daemon = await startDaemon(true, true);
      await stop(old);
    },
    address: bus.address,
    async items(service = 'aws-sso-agent') {
      const r = await run('secret-tool', ['search', '--all', 'service', service], env);
      return parseSecretTool(r.stdout, r.stderr);
    },
    async close() {
      await stop(daemon);
      await bus.close();
    },
  };
}

/**
 * secret-tool prints `[/path]`, `label = …`, `secret = …` per item on stdout and the items'
 * `attribute.NAME = …` lines on stderr, in the same order: a repeated name starts the next item.
 */
export function parseSecretTool(stdout: string, stderr: string): KeyringItem[] {
  const items: KeyringItem[] = [];
  for (const line of stdout.split('\n')) {
    if (/^\[\/.*\]$/.test(line)) { items.push({ label: '', attributes: {}, secret: '' }); continue; }
    const cur = items[items.length - 1];
    const m = /^(label|secret) = (.*)$/.exec(line);
    if (cur && m) cur[m[1] as 'label' | 'secret'] = m[2] as string;
  }
  let i = -1;
  let seen = new Set<string>();
  for (const line of stderr.split('\n')) {
    const m = /^attribute\.([\w.-]+) = (.*)$/.exec(line);
    if (!m) continue;
    if (i < 0 || seen.has(m[1] as string)) { i++; seen = new Set(); }
    seen.add(m[1] as string);
    const item = items[i];
    if (item) item.attributes[m[1] as string] = m[2] as string;
  }
  return items;
}

function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((r) => { proc.once('exit', () => r()); proc.kill('SIGTERM'); });
}
