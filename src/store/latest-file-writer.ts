import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

interface Round { text: string; resolve(): void; reject(err: unknown): void; done: Promise<void> }

/**
 * One file written one save at a time, atomically (temp file + rename), 0600 in a 0700 folder.
 * Saves that arrive while one is under way are folded into one more write of the latest text, so
 * concurrent savers never share a temp file, and each learns whether a write holding its text (or a
 * later one) reached the disk.
 */
export class LatestFileWriter {
  private next: Round | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly file: string) {}

  /** Resolves once `text` or a later save is on disk; rejects with that write's error. */
  write(text: string): Promise<void> {
    if (this.next) {
      this.next.text = text;
      return this.next.done;
    }
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const done = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
    this.next = { text, resolve, reject, done };
    this.running ??= this.drain().finally(() => { this.running = undefined; });
    return done;
  }

  /** Resolves when everything saved so far is on disk (or failed). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.next) {
      const round = this.next;
      this.next = undefined;
      try {
        await writeAtomically(this.file, round.text);
        round.resolve();
      } catch (err) {
        round.reject(err);
      }
    }
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, file);
}
