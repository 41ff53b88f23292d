import { ADMIN_ROUTES, adminRequest } from './admin-client.js';
import type { SessionStatus, SyncProgress } from '../core/types.js';

/**
 * Progress of work the agent does for a waiting command (login, sync), read from /v1/status while
 * the command's own request is open. On a terminal one line is redrawn; elsewhere `line` is called
 * only when the text changes kind (logs and CI must not fill with frames).
 */
export interface ProgressOptions {
  sessions?: string[];
  /** Text for a session's state, or undefined to show nothing. */
  render: (s: SessionStatus | undefined, elapsedS: number) => string | undefined;
  tty: boolean;
  write: (s: string) => void;
  intervalMs?: number;
  /** Replaced by tests. */
  status?: () => Promise<SessionStatus[]>;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function describeSync(p: SyncProgress): string {
  return p.phase === 'accounts'
    ? `finding accounts (${p.accounts} so far)`
    : `listing roles: ${p.listed} of ${p.accounts} account${p.accounts === 1 ? '' : 's'}`;
}

export async function withAgentProgress<T>(work: Promise<T>, o: ProgressOptions): Promise<T> {
  const status = o.status ?? (async () => (await adminRequest<{ sessions: SessionStatus[] }>('GET', ADMIN_ROUTES.status, undefined, { timeoutMs: 2000 })).sessions);
  const started = Date.now();
  let latest: SessionStatus | undefined;
  let lastKind = '';
  let frame = 0;
  let stopped = false;
  const draw = () => {
    const text = o.render(latest, Math.round((Date.now() - started) / 1000));
    if (text === undefined) return;
    if (o.tty) o.write(`\r${FRAMES[frame++ % FRAMES.length]} ${text}\x1b[K`);
    else {
      // A line per kind of message ("waiting…", "listing roles…"), not per count.
      const kind = text.replace(/\d+/g, '#');
      if (kind !== lastKind) o.write(text + '\n');
      lastKind = kind;
    }
  };
  const poll = async () => {
    while (!stopped) {
      try {
        const all = await status();
        latest = o.sessions ? all.find((s) => o.sessions?.includes(s.name)) : all.find((s) => s.syncProgress) ?? latest;
      } catch {
        // A missed poll only delays the next frame.
      }
      if (stopped) return;
      draw();
      await new Promise((r) => setTimeout(r, o.intervalMs ?? 250).unref());
    }
  };
  draw();
  // Not awaited at the end: its timer is unref'd, and waiting on it could let the process exit
  // before the caller prints its result. `stopped` keeps it from drawing again.
  void poll().catch(() => undefined);
  try {
    return await work;
  } finally {
    stopped = true;
    if (o.tty) o.write('\r\x1b[K');
  }
}
