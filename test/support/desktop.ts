/**
 * A real desktop notification path for the notice tests: a private D-Bus session bus, Xvfb, and
 * dunst (a freedesktop notification daemon) on them, with `dbus-monitor` reading every `Notify`
 * call on the bus. `click()` invokes the newest notification's default action through dunstctl,
 * as a click would. (Not named *.test.ts, so tap does not run it as a test file.)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { NO_SERVICES_BUS, startBus } from './secret-service.js';
import { run } from './e2e-harness.js';
import { waitUntil } from './wait-until.js';

export interface Notification { app: string; title: string; body: string; actions: string[] }

export interface Desktop {
  /** DBUS_SESSION_BUS_ADDRESS and DISPLAY of the desktop. */
  env: { DBUS_SESSION_BUS_ADDRESS: string; DISPLAY: string };
  /** Every Notify call seen on the bus so far, in order. */
  notifications(): Notification[];
  click(): Promise<void>;
  close(): Promise<void>;
}

export const DESKTOP_TOOLS = ['dbus-daemon', 'dbus-monitor', 'Xvfb', 'dunst', 'dunstctl', 'notify-send'];

export function missingDesktopTools(): string[] {
  return DESKTOP_TOOLS.filter((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0);
}

function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((r) => { proc.once('exit', () => r()); proc.kill('SIGTERM'); });
}

/** The string arguments of each Notify call in dbus-monitor's output: app, icon, title, body, then the actions. */
export function parseNotifyCalls(text: string): Notification[] {
  const out: Notification[] = [];
  for (const block of text.split(/^(?=method call |signal |method return |error )/m)) {
    if (!/^method call .*member=Notify$/m.test(block.split('\n')[0] ?? '')) continue;
    const strings = (text: string) => [...text.matchAll(/^\s*string "((?:[^"\\]|\\.)*)"$/gm)].map((m) => m[1] as string);
    // app, icon, title, body come first; the actions are the first array's strings (the hints follow).
    const [head = '', rest = ''] = block.split(/^\s*array \[$/m);
    const [app = '', , title = '', body = ''] = strings(head);
    out.push({ app, title, body, actions: strings(rest.split(/^\s*\]$/m)[0] ?? '') });
  }
  return out;
}

export async function startDesktop(dir: string): Promise<Desktop> {
  const bus = await startBus(dir, NO_SERVICES_BUS);
  // -displayfd: Xvfb picks a free display and writes its number, so parallel tests never clash.
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '640x480x24'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const display = await new Promise<string>((res, rej) => {
    let got = '';
    xvfb.once('exit', (code) => rej(new Error(`Xvfb exited ${code}`)));
    xvfb.stdio[3]!.on('data', (c: Buffer) => { got += c.toString(); if (got.includes('\n')) res(`:${got.trim()}`); });
  });
  const env = { DBUS_SESSION_BUS_ADDRESS: bus.address, DISPLAY: display };
  const full = { ...process.env, ...env };
  let monitored = '';
  const monitor = spawn('dbus-monitor', ['--address', bus.address, "interface='org.freedesktop.Notifications',member='Notify'"], { stdio: ['ignore', 'pipe', 'ignore'] });
  monitor.stdout!.on('data', (c: Buffer) => { monitored += c.toString(); });
  const dunst = spawn('dunst', [], { env: full, stdio: ['ignore', 'ignore', 'ignore'] });
  await waitUntil(async () => {
    const r = await run('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.Notifications'], full);
    return /boolean true/.test(r.stdout) && /NameAcquired/.test(monitored);
  }, 'dunst owns org.freedesktop.Notifications and dbus-monitor listens', 10_000);
  return {
    env,
    notifications: () => parseNotifyCalls(monitored),
    async click() {
      const r = await run('dunstctl', ['action', '0'], full);
      if (r.code !== 0) throw new Error(`dunstctl action failed: ${r.stderr}`);
    },
    async close() {
      await Promise.all([stop(dunst), stop(monitor), stop(xvfb)]);
      await bus.close();
    },
  };
}
