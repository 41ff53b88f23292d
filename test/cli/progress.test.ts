/** What `login` and `sync` show while the agent works: redrawn on a terminal, a line per phase elsewhere. */
import t from 'tap';
import { describeSync, withAgentProgress } from '../../src/cli/progress.js';
import type { SessionStatus } from '../../src/core/types.js';

/** A status source that walks through the given snapshots, one per poll, then resolves the work. */
function scripted(snapshots: Array<SessionStatus['syncProgress'] | undefined>) {
  let i = 0;
  let finish: (v: string) => void = () => {};
  // The real work is an open request that keeps the process alive; this interval stands in for it.
  const alive = setInterval(() => {}, 1000);
  const work = new Promise<string>((r) => { finish = (v) => { clearInterval(alive); r(v); }; });
  const status = async (): Promise<SessionStatus[]> => {
    const p = snapshots[Math.min(i, snapshots.length - 1)];
    if (++i > snapshots.length) finish('done');
    return [{ name: 'work', state: 'active', ...(p ? { syncProgress: p } : {}) } as SessionStatus];
  };
  return { work, status };
}

const SNAPSHOTS = [undefined, { phase: 'accounts', accounts: 100, listed: 0 }, { phase: 'roles', accounts: 250, listed: 10 }, { phase: 'roles', accounts: 250, listed: 200 }] as const;
const render = (s: SessionStatus | undefined) => (s?.syncProgress ? `work: ${describeSync(s.syncProgress)}` : 'Syncing…');

t.test('not a terminal: one line per kind of message, never per count', async (t) => {
  const { work, status } = scripted([...SNAPSHOTS]);
  let out = '';
  t.equal(await withAgentProgress(work, { sessions: ['work'], tty: false, write: (s) => { out += s; }, render, status, intervalMs: 1 }), 'done');
  t.equal(out, 'Syncing…\nwork: finding accounts (100 so far)\nwork: listing roles: 10 of 250 accounts\n');
});

t.test('a terminal: one line redrawn with the counts, cleared at the end', async (t) => {
  const { work, status } = scripted([...SNAPSHOTS]);
  let out = '';
  await withAgentProgress(work, { sessions: ['work'], tty: true, write: (s) => { out += s; }, render, status, intervalMs: 1 });
  t.match(out, /\r. work: listing roles: 200 of 250 accounts\x1b\[K/);
  t.notMatch(out, /\n/, 'no new lines');
  t.ok(out.endsWith('\r\x1b[K'), 'the line is cleared');
});
