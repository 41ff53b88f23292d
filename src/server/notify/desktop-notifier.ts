import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../../logger.js';
import type { Notice } from './notice-text.js';
import type { NotifierChoice } from './pick-notifier.js';

/** Shows a notice; never throws, never blocks the caller. `onClick` runs when the person clicks it (where the platform says so). */
export interface Notifier {
  readonly clickable: boolean;
  show(notice: Notice, onClick?: () => void): void;
  /** Ends notifier processes still waiting for a click (the agent is stopping). */
  close?(): void;
}

/**
 * A notification that waits for a click is dropped after this long: the notify-send process
 * would otherwise live as long as the notification stays on screen.
 */
const CLICK_WAIT_MS = 30 * 60_000;
/** What the notifier may take to hand the notice over when no click is awaited. */
const SEND_TIMEOUT_MS = 10_000;

/** The action key notify-send prints when the notification's default action (a click on it) runs. */
const CLICK_ACTION = 'default';

interface Run { code: number | null; stdout: string; stderr: string; error?: NodeJS.ErrnoException }

/** `running` holds the notifier processes not yet ended, so a stopping agent leaves none behind. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, running: Set<ChildProcess>): Promise<Run> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child;
    try {
      child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
    } catch (err) {
      resolve({ code: null, stdout, stderr, error: err as NodeJS.ErrnoException });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    timer.unref();
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.once('error', (error: NodeJS.ErrnoException) => { clearTimeout(timer); resolve({ code: null, stdout, stderr, error }); });
    child.once('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

export interface DesktopNotifierOptions { choice: NotifierChoice; env: NodeJS.ProcessEnv; logger: Logger }

/** The platform's notifier (notify-send, osascript) or the person's command. */
export function desktopNotifier(opts: DesktopNotifierOptions): Notifier {
  const { choice, logger } = opts;
  const running = new Set<ChildProcess>();
  const exec = (cmd: string, args: string[], timeoutMs: number): Promise<Run> => run(cmd, args, opts.env, timeoutMs, running);
  const close = (): void => { for (const c of running) c.kill('SIGTERM'); };
  let missingLogged = false;
  const failed = (r: Run, what: string): void => {
    if (r.error?.code === 'ENOENT') {
      if (!missingLogged) logger.info({ notifier: what }, `${what} is not installed: no desktop notifications`);
      missingLogged = true;
    } else {
      logger.warn({ notifier: what, code: r.code, err: r.error?.message ?? r.stderr.trim().slice(0, 200) }, 'the desktop notification failed');
    }
  };
  const settle = (p: Promise<Run>, what: string, onDone?: (r: Run) => void): void => {
    p.then((r) => {
      if (r.error || r.code !== 0) failed(r, what);
      else onDone?.(r);
    }, () => {});
  };
  switch (choice.kind) {
    case 'none':
      return { clickable: false, show: () => {} };
    case 'command':
      return {
        clickable: false,
        close,
        // Through sh, so CMD may carry its own arguments; title and text follow as "$1" "$2".
        show: (n) => settle(exec('/bin/sh', ['-c', `${choice.command} "$@"`, 'sso-agent', n.title, n.body], SEND_TIMEOUT_MS), '--notify-command'),
      };
    case 'osascript':
      return {
        clickable: false,
        close,
        // Text as arguments, never spliced into the script, so no quoting can break it.
        show: (n) => settle(exec('osascript', ['-e', 'on run argv', '-e', 'display notification (item 2 of argv) with title (item 1 of argv)', '-e', 'end run', n.title, n.body], SEND_TIMEOUT_MS), 'osascript'),
      };
    case 'notify-send':
      return {
        clickable: true,
        close,
        show: (n, onClick) => {
          const base = ['--app-name=sso-agent', '--urgency=critical', '--icon=dialog-password', n.title, n.body];
          if (!onClick) { settle(exec('notify-send', base, SEND_TIMEOUT_MS), 'notify-send'); return; }
          // --wait keeps notify-send until the notification closes and prints the action clicked.
          const withAction = exec('notify-send', [`--action=${CLICK_ACTION}=Log in`, '--wait', ...base], CLICK_WAIT_MS);
          withAction.then((r) => {
            // libnotify before 0.7.9 knows no --action: show it without one.
            if (r.code !== 0 && /action|unknown option/i.test(r.stderr)) { settle(exec('notify-send', base, SEND_TIMEOUT_MS), 'notify-send'); return; }
            if (r.error || (r.code !== 0 && r.code !== null)) { failed(r, 'notify-send'); return; }
            if (r.stdout.trim().split('\n').includes(CLICK_ACTION)) onClick();
          }, () => {});
        },
      };
  }
}
