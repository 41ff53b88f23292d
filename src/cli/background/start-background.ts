import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentAlreadyRunningError, ServiceError } from '../../errors.js';
import { socketAnswers } from '../../daemon.js';
import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import type { StatusReply } from '../../core/admin-api.js';

/** How long `serve --background` waits for the agent's socket to answer. */
export const START_TIMEOUT_MS = 20_000;
const POLL_MS = 50;

export interface BackgroundStart { pid: number; logFile: string }

export interface BackgroundOptions {
  /** The serve arguments without --background. */
  args: string[];
  socket: string;
  stateDir: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Starts `serve` detached (its own session, no terminal), logging to a rotated file in the state
 * dir, and returns once the admin socket answers with that process's pid. Refuses when an agent
 * already answers on the socket.
 */
export async function startBackground(o: BackgroundOptions): Promise<BackgroundStart> {
  if (await socketAnswers(o.socket)) throw new AgentAlreadyRunningError(o.socket);
  mkdirSync(o.stateDir, { recursive: true, mode: 0o700 });
  const logFile = join(o.stateDir, 'agent.log');
  // What Node itself prints before the logger exists (a crash at start); the JSON log is logFile.
  const errFile = join(o.stateDir, 'agent.stderr');
  const errFd = openSync(errFile, 'w', 0o600);
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] as string, 'serve', ...o.args, '--log-file', logFile], {
    env: o.env, detached: true, stdio: ['ignore', 'ignore', errFd],
  });
  closeSync(errFd);
  let exited: number | null | undefined;
  child.once('exit', (code, signal) => { exited = code ?? (signal ? 128 : 1); });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new ServiceError(`could not start ${process.execPath}`);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new ServiceError(`the agent exited with status ${exited} before it answered: ${lastError(logFile, errFile)}`);
    if (await socketAnswers(o.socket)) {
      const running = (await adminRequest<StatusReply>('GET', ADMIN_ROUTES.status, undefined, { socket: o.socket, timeoutMs: 5000 })).agent.pid;
      if (running !== pid) throw new AgentAlreadyRunningError(o.socket);
      return { pid, logFile };
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  child.kill('SIGTERM');
  throw new ServiceError(`the agent did not answer on ${o.socket} within ${START_TIMEOUT_MS / 1000} s; see ${logFile}`);
}

/** The reason a failed start gives: the last error line of the log, else Node's own stderr. */
function lastError(logFile: string, errFile: string): string {
  const read = (f: string): string => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
  const line = read(logFile).trim().split('\n').reverse().find((l) => /"level":(50|60)/.test(l));
  if (line) {
    try { return (JSON.parse(line) as { msg?: string; err?: string }).err ?? (JSON.parse(line) as { msg: string }).msg; } catch { /* not JSON */ }
  }
  const err = read(errFile).trim().split('\n').filter(Boolean);
  return err.slice(-3).join(' ') || `see ${logFile}`;
}
