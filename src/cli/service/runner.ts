import { execFile } from 'node:child_process';

/**
 * Every `systemctl`/`launchctl` call goes through one of these, so tests capture the calls and
 * `--dry-run` can print them instead. No shell: arguments are passed as an array.
 */
export interface RunResult { code: number; stdout: string; stderr: string }
export type CommandRunner = (cmd: string, args: readonly string[]) => Promise<RunResult>;

/** systemctl can block on a wedged user manager; 30 s is far beyond any healthy start. */
const RUN_TIMEOUT_MS = 30_000;

export const execRunner: CommandRunner = (cmd, args) =>
  new Promise((resolve) => {
    execFile(cmd, [...args], { timeout: RUN_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stdout, stderr });
      const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
      if (e.code === 'ENOENT') return resolve({ code: 127, stdout: '', stderr: `${cmd}: command not found` });
      if (e.killed) return resolve({ code: 124, stdout, stderr: `${cmd} did not finish within ${RUN_TIMEOUT_MS / 1000} s` });
      resolve({ code: typeof e.code === 'number' ? e.code : 1, stdout, stderr });
    });
  });
