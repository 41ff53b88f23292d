import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { ServiceError } from '../../errors.js';
import type { Action } from './plan.js';
import type { CommandRunner } from './runner.js';

const octal = (mode: number) => mode.toString(8).padStart(3, '0');

/** One line per action (files indented below a write), for --dry-run and for the record. */
export function describePlan(actions: Action[]): string {
  const lines: string[] = [];
  for (const a of actions) {
    switch (a.kind) {
      case 'mkdir': lines.push(`mkdir -p -m ${octal(a.mode)} ${a.path}`); break;
      case 'write':
        lines.push(`write ${a.path} (mode ${octal(a.mode)}):`);
        for (const l of a.content.replace(/\n$/, '').split('\n')) lines.push(`    ${l}`);
        break;
      case 'remove': lines.push(`rm ${a.path}`); break;
      case 'run': lines.push(`run ${a.argv.join(' ')}${a.mayFail ? '   (a failure here is fine)' : ''}`); break;
      case 'note': lines.push(`note: ${a.text}`); break;
    }
  }
  return lines.join('\n') + '\n';
}

export interface ExecuteOptions {
  run: CommandRunner;
  /** Told about each completed step, for the one-line-per-step progress output. */
  log: (line: string) => void;
}

/** Carries the plan out in order; the first failing step that may not fail stops it with a ServiceError. */
export async function executePlan(actions: Action[], o: ExecuteOptions): Promise<void> {
  for (const a of actions) {
    switch (a.kind) {
      case 'mkdir':
        await mkdir(a.path, { recursive: true, mode: a.mode });
        break;
      case 'write': {
        // Write-then-rename: the manager never reads a half-written unit.
        const tmp = `${a.path}.tmp-${process.pid}`;
        await writeFile(tmp, a.content, { mode: a.mode });
        await chmod(tmp, a.mode);
        await rename(tmp, a.path);
        o.log(`wrote ${a.path}`);
        break;
      }
      case 'remove':
        await rm(a.path, { force: true });
        o.log(`removed ${a.path}`);
        break;
      case 'run': {
        const [cmd, ...args] = a.argv;
        const r = await o.run(cmd, args);
        if (r.code !== 0 && !a.mayFail) {
          const why = (r.stderr.trim() || r.stdout.trim()).split('\n')[0] || 'no output';
          throw new ServiceError(`\`${a.argv.join(' ')}\` failed (exit ${r.code}): ${why}`);
        }
        o.log(`ran ${a.argv.join(' ')}${r.code !== 0 ? ` (exit ${r.code}, ignored)` : ''}`);
        break;
      }
      case 'note':
        o.log(a.text);
        break;
    }
  }
}
