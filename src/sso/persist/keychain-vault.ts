import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Logger } from '../../logger.js';
import { keychainCause } from './keychain-cause.js';
import { HELPER_SOURCE } from './keychain-helper.js';
import type { PersistStatus } from '../../core/admin-api.js';
import type { SessionVault, VaultRecord } from './session-vault.js';
import { parseRecord, serializeRecord } from './vault-record.js';
import { LoggedOutSessions } from './logged-out.js';

/** The service every item is stored under: what a person searches for in their keychain tool. */
export const KEYCHAIN_SERVICE = 'aws-sso-agent';
/**
 * How long one keychain call may take. Long enough for a person to answer an unlock or "allow
 * access" prompt the call raises; short enough that a hung D-Bus never keeps the agent waiting.
 */
export const KEYCHAIN_TIMEOUT_MS = 15_000;
/** At shutdown, writes under way get this long: the agent must exit within 2 s of SIGTERM. */
const CLOSE_WAIT_MS = 700;
/**
 * A deletion the keychain refused is tried again after 5 s, doubling up to 5 min: a keychain
 * that comes back (unlocked, its daemon restarted) loses the item within minutes, and a dead one
 * costs one helper start per 5 min.
 */
export const DELETE_RETRY = { firstMs: 5_000, maxMs: 5 * 60_000 } as const;
/** How long `logout` waits to learn whether the item is gone before saying it may remain. */
const SETTLE_WAIT_MS = 5_000;

export interface KeychainVaultOptions {
  logger: Logger;
  /** Default KEYCHAIN_SERVICE; tests use their own. */
  service?: string;
  timeoutMs?: number;
  /** The helper's environment (D-Bus address); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where logged-out sessions are remembered until their item is gone (logged-out.ts); default memory. */
  loggedOutFile?: string;
  now?: () => number;
}

type Op = { op: 'get' | 'set' | 'delete' | 'list'; account?: string; secret?: string };
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
interface Pending { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout; child: ChildProcess | undefined }
/** The last write asked for per session; earlier ones still waiting are superseded. */
type Write = { kind: 'set'; text: string } | { kind: 'delete' };

class KeychainUnavailable extends Error {}

/**
 * Sessions in the OS keychain (Secret Service, macOS Keychain, Windows Credential Manager), one
 * item per session (account = session name). The first failure turns saving and loading off with
 * one warning naming the cause: from then on sessions live in memory only, never in a file.
 * Deletions are never dropped: a logged-out session is remembered (logged-out.ts) and its deletion
 * retried until the keychain confirms it — before any restore at the latest — and its item is
 * never restored meanwhile. A deletion that goes through turns the vault back on.
 */
export class KeychainVault implements SessionVault {
  private readonly log: Logger;
  private readonly service: string;
  private readonly timeoutMs: number;
  private readonly env: NodeJS.ProcessEnv;
  private child?: ChildProcess;
  private ready?: Promise<void>;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly writes = new Map<string, { running: Promise<void>; next?: Write }>();
  private unavailable?: string;
  private closed = false;
  private readonly loggedOut: LoggedOutSessions;
  private readonly now: () => number;
  /** Failed deletions per session: the retry timer and the attempt count. */
  private readonly deleteRetries = new Map<string, { timer?: NodeJS.Timeout; attempt: number }>();

  constructor(opts: KeychainVaultOptions) {
    this.log = opts.logger;
    this.service = opts.service ?? KEYCHAIN_SERVICE;
    this.timeoutMs = opts.timeoutMs ?? KEYCHAIN_TIMEOUT_MS;
    this.env = opts.env ?? process.env;
    this.now = opts.now ?? Date.now;
    this.loggedOut = new LoggedOutSessions(opts.loggedOutFile, (err) => this.log.warn({ file: opts.loggedOutFile, err: err.message }, 'could not read or save the list of logged-out sessions'));
  }

  describe(): PersistStatus {
    return this.unavailable ? { mode: 'keychain', state: 'unavailable', reason: this.unavailable } : { mode: 'keychain', state: 'ok' };
  }

  async list(): Promise<string[]> {
    // Deletions left over (this run, or a run that ended before the keychain answered) go first.
    await this.loggedOut.load();
    await Promise.all(this.loggedOut.names().map((name) => { this.write(name, { kind: 'delete' }); return this.writes.get(name)?.running; }));
    const v = await this.quietly(this.call({ op: 'list' }));
    return Array.isArray(v) ? v.filter((a): a is string => typeof a === 'string') : [];
  }

  async load(session: string): Promise<VaultRecord | undefined> {
    const text = await this.quietly(this.call({ op: 'get', account: session }), { session });
    if (typeof text !== 'string') return undefined;
    const parsed = parseRecord(text);
    await this.loggedOut.load();
    const out = this.loggedOut.when(session);
    if (parsed.ok && out !== undefined && parsed.record.token.issuedAt <= out) {
      this.log.warn({ session, service: this.service }, 'not restoring a session that was logged out; its keychain item is deleted when the keychain allows');
      this.write(session, { kind: 'delete' });
      return undefined;
    }
    if (parsed.ok) return parsed.record;
    this.log.warn({ session, service: this.service, why: parsed.why }, 'ignoring a damaged keychain item; log in again to replace it');
    return undefined;
  }

  save(session: string, record: VaultRecord): void {
    this.write(session, { kind: 'set', text: serializeRecord(record) });
  }

  remove(session: string): void {
    this.loggedOut.add(session, this.now());
    this.write(session, { kind: 'delete' });
  }

  /** Waits (briefly) for the session's writes; true when its item is known to be gone. */
  async settle(session: string): Promise<boolean> {
    const running = this.writes.get(session)?.running;
    if (running) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise((r) => { timer = setTimeout(r, SETTLE_WAIT_MS); })]);
      clearTimeout(timer);
    }
    return this.loggedOut.when(session) === undefined;
  }

  async close(): Promise<void> {
    for (const r of this.deleteRetries.values()) clearTimeout(r.timer);
    const running = [...this.writes.values()].map((w) => w.running);
    if (running.length) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(running), new Promise((r) => { timer = setTimeout(r, CLOSE_WAIT_MS); })]);
      clearTimeout(timer);
    }
    this.closed = true;
    this.stop();
    await this.loggedOut.flush();
  }

  // ---- writes: one at a time per session, the latest wins ------------------------------------------

  private write(session: string, w: Write): void {
    // Saves stop when the keychain fails; deletions never do.
    if (w.kind === 'set' && this.unavailable) return;
    const slot = this.writes.get(session);
    if (slot) {
      slot.next = w;
      return;
    }
    const entry: { running: Promise<void>; next?: Write } = { running: Promise.resolve() };
    this.writes.set(session, entry);
    const run = async (first: Write): Promise<void> => {
      let w: Write | undefined = first;
      while (w && !this.closed) {
        if (w.kind === 'delete') await this.deleteNow(session);
        else if (!this.unavailable) {
          const stored = await this.quietly(this.call({ op: 'set', account: session, secret: w.text }).then(() => true), { session });
          // A new sign-in replaced the item: nothing of the logged-out one is left to delete.
          if (stored === true) this.forgetDeletion(session);
        }
        w = entry.next;
        entry.next = undefined;
      }
      this.writes.delete(session);
    };
    entry.running = run(w);
  }

  /** One deletion attempt; on failure the next is scheduled, and the session stays remembered as logged out. */
  private async deleteNow(session: string): Promise<void> {
    await this.loggedOut.load();
    try {
      await this.call({ op: 'delete', account: session }, { evenIfUnavailable: true });
    } catch (err) {
      const retry = this.deleteRetries.get(session) ?? { attempt: 0 };
      this.deleteRetries.set(session, retry);
      retry.attempt++;
      const cause = err instanceof KeychainUnavailable ? err.message : keychainCause((err as Error).message);
      this.noteUnavailable(cause, { session });
      if (retry.attempt === 1) {
        this.log.warn({ session, item: `${this.service}/${session}`, cause },
          'could not delete the keychain item of a logged-out session; retrying until it is gone (it is never restored meanwhile)');
      }
      clearTimeout(retry.timer);
      const delay = Math.min(DELETE_RETRY.maxMs, DELETE_RETRY.firstMs * 2 ** (retry.attempt - 1));
      retry.timer = setTimeout(() => {
        retry.timer = undefined;
        if (this.loggedOut.when(session) !== undefined) this.write(session, { kind: 'delete' });
      }, delay);
      retry.timer.unref();
      return;
    }
    this.forgetDeletion(session);
    if (this.unavailable) {
      this.unavailable = undefined;
      this.log.info({ service: this.service }, 'the keychain answers again; sessions are kept in it again');
    }
  }

  private forgetDeletion(session: string): void {
    this.loggedOut.drop(session);
    const retry = this.deleteRetries.get(session);
    if (retry) { clearTimeout(retry.timer); this.deleteRetries.delete(session); }
  }

  /** A failure is reported once and turns the vault off; callers carry on as memory-only. */
  private async quietly(p: Promise<unknown>, context: { session?: string; item?: string } = {}): Promise<unknown> {
    try {
      return await p;
    } catch (err) {
      this.noteUnavailable(err instanceof KeychainUnavailable ? err.message : keychainCause((err as Error).message), context);
      return undefined;
    }
  }

  private noteUnavailable(cause: string, context: { session?: string }): void {
    if (this.unavailable) return;
    this.unavailable = cause;
    this.log.warn({ service: this.service, ...context, cause },
      'keychain unavailable; sessions are kept in memory only until the agent restarts');
    this.stop();
  }

  // ---- the helper process ----------------------------------------------------------------------------

  private call(op: Op, o: { evenIfUnavailable?: boolean } = {}): Promise<unknown> {
    if ((this.unavailable && !o.evenIfUnavailable) || this.closed) return Promise.resolve(undefined);
    return this.start().then(() => new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new KeychainUnavailable(`the keychain did not answer within ${Math.round(this.timeoutMs / 1000)} s (a hung D-Bus, or an unlock prompt nobody answered)`));
      }, this.timeoutMs);
      // Ref'd on purpose: before the agent listens, this timer is what keeps it alive to hear back.
      this.pending.set(id, { resolve, reject, timer, child: this.child });
      this.child?.send({ id, ...op });
    }));
  }

  private start(): Promise<void> {
    this.ready ??= new Promise<void>((resolve, reject) => {
      let keyringPath: string;
      try {
        keyringPath = createRequire(import.meta.url).resolve('@napi-rs/keyring');
      } catch (err) {
        reject(new KeychainUnavailable(`the keychain module is not installed: ${(err as Error).message}`));
        return;
      }
      const child = spawn(process.execPath, ['-e', HELPER_SOURCE, '--', keyringPath, this.service], {
        env: this.env,
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
        serialization: 'json',
      });
      this.child = child;
      const timer = setTimeout(() => reject(new KeychainUnavailable(`the keychain helper did not start within ${Math.round(this.timeoutMs / 1000)} s`)), this.timeoutMs);
      child.once('error', (err) => { clearTimeout(timer); reject(new KeychainUnavailable(`the keychain helper could not run: ${err.message}`)); });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        const gone = new KeychainUnavailable(`the keychain helper stopped (${signal ?? `exit ${code}`})`);
        reject(gone);
        for (const [id, p] of this.pending) if (p.child === child) { clearTimeout(p.timer); p.reject(gone); this.pending.delete(id); }
      });
      child.on('message', (msg) => {
        const m = msg as Reply | { ready: boolean; error?: string };
        if ('ready' in m) {
          clearTimeout(timer);
          if (m.ready) resolve();
          else reject(new KeychainUnavailable(m.error ?? 'the keychain module could not be loaded'));
          return;
        }
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.error));
      });
      // The helper must never keep the agent alive; the agent's own servers do that.
      child.unref();
      child.channel?.unref();
    });
    return this.ready;
  }

  private stop(): void {
    const child = this.child;
    this.child = undefined;
    // The next call (a deletion retry) starts a new helper.
    this.ready = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // A helper stuck in native code ignores a disconnect; SIGKILL is the bounded way out.
    child.kill('SIGKILL');
  }
}
