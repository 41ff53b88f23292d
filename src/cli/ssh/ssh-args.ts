import { BadUsageError } from '../../errors.js';

/** ssh(1) options that take a value (`-p 22` or `-p22`); every other letter is a switch. */
const WITH_VALUE = new Set('BbcDEeFIiJLlmOoPpQRSWw');
/** Options that make the session useless for the agent: no remote command runs, or ssh goes away. */
const REFUSED: Record<string, string> = {
  N: '-N runs no remote command, so nothing there would get the profiles',
  W: '-W forwards stdio only, so no remote command gets the profiles',
  f: '-f puts ssh in the background, and the grant ends when this command returns',
  G: '-G only prints the configuration',
  O: '-O talks to a master connection, which runs no new session',
};

export interface SshCall {
  /** Options before the destination, as given. */
  options: string[];
  destination: string;
  /** The remote command's words (ssh joins them with spaces for the remote shell), possibly none. */
  command: string[];
  /** The person asked for a tty (-t) or none (-T). */
  tty: 'force' | 'none' | 'default';
}

/** Splits `SSH_ARGS…` as ssh's getopt would: options, then the destination, then the command. */
export function splitSshArgs(args: readonly string[]): SshCall {
  const options: string[] = [];
  let tty: SshCall['tty'] = 'default';
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    options.push(a);
    for (let j = 1; j < a.length; j++) {
      const c = a[j] as string;
      if (REFUSED[c]) throw new BadUsageError(`sso-agent ssh: ${REFUSED[c]}`);
      if (c === 't') tty = 'force';
      if (c === 'T') tty = 'none';
      if (WITH_VALUE.has(c)) {
        if (j === a.length - 1) {
          const v = args[++i];
          if (v === undefined) throw new BadUsageError(`sso-agent ssh: ssh's -${c} needs a value`);
          options.push(v);
        }
        break;
      }
    }
  }
  const destination = args[i];
  if (destination === undefined) throw new BadUsageError('sso-agent ssh needs a destination after `--`: `sso-agent ssh PROFILE -- user@host [COMMAND]`');
  return { options, destination, command: args.slice(i + 1), tty };
}
