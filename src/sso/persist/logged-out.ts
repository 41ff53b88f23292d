import { readFile } from 'node:fs/promises';
import { LatestFileWriter } from '../../store/latest-file-writer.js';

/**
 * Sessions logged out (or rejected) whose keychain item may still exist, with when: kept in a file
 * beside the settings (names and times, nothing secret) until the item is known to be gone, so a
 * deletion the keychain refused is retried at the next start and the item is never restored. A
 * record issued after the logout (a new login) is not affected.
 */
export class LoggedOutSessions {
  private readonly at = new Map<string, number>();
  private loaded: Promise<void> | undefined;
  private readonly writer: LatestFileWriter | undefined;

  constructor(private readonly file: string | undefined, private readonly onError: (err: Error) => void) {
    this.writer = file === undefined ? undefined : new LatestFileWriter(file);
  }

  /** Reads the file once; a missing or unreadable file is an empty list. */
  load(): Promise<void> {
    this.loaded ??= (async () => {
      if (this.file === undefined) return;
      try {
        const body = JSON.parse(await readFile(this.file, 'utf8')) as { sessions?: Record<string, unknown> };
        for (const [name, when] of Object.entries(body.sessions ?? {})) {
          if (typeof when === 'number' && !this.at.has(name)) this.at.set(name, when);
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.onError(err as Error);
      }
    })();
    return this.loaded;
  }

  names(): string[] {
    return [...this.at.keys()];
  }

  /** When the session was logged out, if its item may remain. */
  when(session: string): number | undefined {
    return this.at.get(session);
  }

  add(session: string, when: number): void {
    this.at.set(session, when);
    this.save();
  }

  drop(session: string): void {
    if (this.at.delete(session)) this.save();
  }

  flush(): Promise<void> {
    return this.writer?.flush() ?? Promise.resolve();
  }

  private save(): void {
    this.writer?.write(JSON.stringify({ version: 1, sessions: Object.fromEntries(this.at) }) + '\n').catch((err: Error) => this.onError(err));
  }
}
