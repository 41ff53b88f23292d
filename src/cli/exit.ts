import { isAgentError, type ExitCode } from '../errors.js';

/** The one place errors become exit codes: 2 bad usage, 1 anything a person can fix. */
export function exitCodeFor(err: unknown): ExitCode {
  if (isAgentError(err)) return err.exitCode;
  return 1;
}

/**
 * The one place errors reach the person: one line, no stack. An unexpected error still gets one
 * line; SSO_AGENT_DEBUG=1 adds the stack for bug reports.
 */
export function reportError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`sso-agent: ${message}\n`);
  if (process.env.SSO_AGENT_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
}
