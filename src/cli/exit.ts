import { stripControls } from '../strip-controls.js';
import { ERROR_TABLE, isAgentError, type ExitCode } from '../errors.js';

/** Exit codes not tied to an error. */
export const EXIT_OK: ExitCode = 0;
/** A check that found a problem it reported itself (e.g. `service status`), as for any other error. */
export const EXIT_FAILURE: ExitCode = 1;
/** No command, or an unknown one: the same exit as any other usage error. */
export const EXIT_USAGE: ExitCode = ERROR_TABLE.BadUsage.exit;

/**
 * The one place errors become exit codes: ERROR_TABLE by the error's code (2 bad usage, 1 anything
 * a person can fix). An error from the agent crossing the socket is a RemoteError carrying the
 * agent's code, so it exits as it would have in-process. Anything else is 1.
 */
export function exitCodeFor(err: unknown): ExitCode {
  if (isAgentError(err)) return err.exitCode;
  return EXIT_FAILURE;
}

/**
 * The one place errors reach the person: one line, no stack. An unexpected error still gets one
 * line; SSO_AGENT_DEBUG=1 adds the stack for bug reports.
 */
export function reportError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  // Messages carry text from AWS and the agent's peers: no escape sequence of theirs reaches the terminal.
  process.stderr.write(`sso-agent: ${stripControls(message)}\n`);
  if (process.env.SSO_AGENT_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
}
