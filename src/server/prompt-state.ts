import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import type { AgentCore, SessionState } from '../core/types.js';

/**
 * The files `sso_agent_prompt` reads (src/cli/prompt/init-scripts.ts): one per profile in
 * `<runtime dir>/prompt/`, one line `PID STATE END SESSION`, so a prompt needs no Node and no
 * socket round trip: one `read` builtin. Nothing secret: the profile and session names, a state
 * word and the sign-in's end in epoch seconds (0: none known). The folder is the runtime dir's
 * (0700); the files go when the agent stops, and a dead PID makes the prompt print nothing.
 */
export const PROMPT_DIR = 'prompt';

const PLAIN_NAME = /^[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]*$/;

/** The prompt's state words: what a person at a prompt needs to know. */
export function promptWord(state: SessionState): 'ok' | 'expiring' | 'login' | 'pending' {
  switch (state) {
    case 'active': case 'refreshing': return 'ok';
    case 'expiring': return 'expiring';
    case 'login-pending': return 'pending';
    default: return 'login';
  }
}

/** Each profile's line. Pure. */
export function promptLines(core: Pick<AgentCore, 'listSessions' | 'listProfiles'>, pid: number): Map<string, string> {
  const sessions = new Map(core.listSessions().map((s) => [s.name, s]));
  const out = new Map<string, string>();
  for (const role of core.listProfiles()) {
    const s = sessions.get(role.session);
    // The shell reads the file by the name as typed, so only names that are plain file names get one.
    if (!s || !PLAIN_NAME.test(role.profile)) continue;
    const end = s.signIn ? Math.floor(Date.parse(s.signIn.endsAt) / 1000) : 0;
    out.set(role.profile, `${pid} ${promptWord(s.state)} ${end} ${s.name}\n`);
  }
  return out;
}

export class PromptState {
  private readonly dir: string;
  private readonly written = new Map<string, string>();
  private queued = false;
  private running: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: { core: Pick<AgentCore, 'listSessions' | 'listProfiles'>; runtimeDir: string; logger: Logger; pid?: number }) {
    this.dir = join(opts.runtimeDir, PROMPT_DIR);
  }

  /** Rewrites what changed, soon; calls in one tick make one pass. */
  update(): void {
    if (this.queued || this.closed) return;
    this.queued = true;
    setImmediate(() => {
      this.queued = false;
      this.running = this.running.then(() => this.write()).catch((err: unknown) => {
        this.opts.logger.warn({ err: (err as Error).message }, 'could not write the prompt state files');
      });
    });
  }

  /** Resolves once every update asked for so far is on disk. */
  async settled(): Promise<void> {
    while (this.queued) await new Promise((r) => setImmediate(r));
    await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.settled();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async write(): Promise<void> {
    if (this.closed) return;
    const lines = promptLines(this.opts.core, this.opts.pid ?? process.pid);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    for (const [profile, line] of lines) {
      if (this.written.get(profile) === line) continue;
      // Renamed into place, so a prompt never reads half a line.
      const tmp = join(this.dir, `.${profile}.tmp`);
      await writeFile(tmp, line, { mode: 0o600 });
      await rename(tmp, join(this.dir, profile));
      this.written.set(profile, line);
    }
    for (const name of await readdir(this.dir)) {
      if (!name.startsWith('.') && !lines.has(name)) { await rm(join(this.dir, name), { force: true }); this.written.delete(name); }
    }
  }
}
