import { closeSync, fstatSync, openSync, renameSync, writeSync } from 'node:fs';

/**
 * The log file of `serve --background`: pino's lines appended to FILE, which moves to FILE.1 (and
 * FILE.1 to FILE.2, …) once it passes `maxBytes`, keeping `keep` old files. Synchronous writes: the
 * agent logs a few lines a minute, and a line written is a line kept if the process dies.
 */
export const LOG_MAX_BYTES = 5 * 1024 * 1024;
export const LOG_KEEP = 3;

export interface RotatingLog { write(line: string): void; close(): void }

export function rotatingLog(file: string, opts: { maxBytes?: number; keep?: number } = {}): RotatingLog {
  const maxBytes = opts.maxBytes ?? LOG_MAX_BYTES;
  const keep = Math.max(1, opts.keep ?? LOG_KEEP);
  const open = (): number => openSync(file, 'a', 0o600);
  let fd = open();
  let size = fstatSync(fd).size;
  const rotate = (): void => {
    closeSync(fd);
    for (let i = keep - 1; i >= 1; i--) {
      try { renameSync(`${file}.${i}`, `${file}.${i + 1}`); } catch { /* not there yet */ }
    }
    renameSync(file, `${file}.1`);
    fd = open();
    size = 0;
  };
  return {
    write(line) {
      const bytes = Buffer.from(line);
      if (size > 0 && size + bytes.length > maxBytes) rotate();
      writeSync(fd, bytes);
      size += bytes.length;
    },
    close() { closeSync(fd); },
  };
}
