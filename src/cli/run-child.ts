import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

/**
 * Runs a program on this terminal and resolves with its exit status as a shell reports it (127 not
 * found, 126 not runnable, 128 + N for a signal); signals sent to this process are passed on.
 */
export function runChild(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'inherit', env });
    const handlers = new Map<NodeJS.Signals, () => void>();
    for (const sig of FORWARDED) {
      // The terminal already sends Ctrl-C to the whole process group; forwarding again is harmless
      // and covers `kill PID` aimed at us alone.
      const h = () => { child.kill(sig); };
      handlers.set(sig, h);
      process.on(sig, h);
    }
    const cleanup = () => { for (const [sig, h] of handlers) process.off(sig, h); };
    child.once('error', (err: NodeJS.ErrnoException) => {
      cleanup();
      // The shell's codes: 127 not found, 126 found but not runnable.
      if (err.code === 'ENOENT') { process.stderr.write(`sso-agent: ${file}: command not found\n`); resolve(127); }
      else if (err.code === 'EACCES') { process.stderr.write(`sso-agent: ${file}: permission denied\n`); resolve(126); }
      else reject(err);
    });
    child.once('exit', (code, signal) => {
      cleanup();
      // Like a shell: a child killed by a signal exits 128 + the signal's number.
      if (signal) resolve(128 + (constants.signals[signal] ?? 0));
      else resolve(code ?? 1);
    });
  });
}
