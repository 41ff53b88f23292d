import { CLEARED_VARS } from '../env-lines.js';

/**
 * The command `sso-agent ssh` runs on the remote host, in place of the user's command or login
 * shell. Pure. It needs nothing there but /bin/sh: the token arrives in LC_SSO_AGENT_TOKEN (sent
 * with SendEnv: sshd accepts LC_* by default on Debian, Ubuntu, Fedora and macOS), never on a
 * command line, so `ps` on either host never shows it; the script moves it into the SDKs' variable,
 * sets the container URI of the forwarded port, and runs the command (or a login shell).
 */
export const TOKEN_VAR = 'LC_SSO_AGENT_TOKEN';

export interface RemoteEnv {
  /** profile → URI on the remote's loopback end of the forward; the first is the default. */
  uris: Record<string, string>;
  region?: string | undefined;
}

/**
 * Single quotes: sh, bash and zsh take everything inside literally; fish too, except `\\` and `\'`.
 * So the script itself holds no backslash and no quote, and every value travels as a word of its
 * own (a quote in a value becomes `'\''`, whose backslash is outside the quotes in every shell).
 */
export function shQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

/** The script: values arrive as $1..$5, the user's command (if any) as $6. */
const SCRIPT = [
  `t="\${${TOKEN_VAR}-}"; unset ${TOKEN_VAR}`,
  `unset ${CLEARED_VARS.join(' ')}`,
  `if [ -z "$t" ]; then echo "sso-agent: no token reached this host: its sshd does not accept ${TOKEN_VAR} (AcceptEnv LC_*), so SDKs here get no credentials" >&2; else export AWS_CONTAINER_AUTHORIZATION_TOKEN="$t"; fi; unset t`,
  'export AWS_CONTAINER_CREDENTIALS_FULL_URI="$1" SSO_AGENT_CREDENTIALS_URL="$2" SSO_AGENT_PROFILE="$3" SSO_AGENT_PROFILES="$4"',
  'if [ -n "$5" ]; then export AWS_REGION="$5" AWS_DEFAULT_REGION="$5"; fi',
  'shift 5',
  'if [ $# -gt 0 ]; then exec "${SHELL:-/bin/sh}" -c "$1"; fi',
  'exec "${SHELL:-/bin/sh}" -l',
].join('\n');

/**
 * The one word ssh sends as the remote command. The remote login shell runs it with `-c`; it
 * starts /bin/sh with the script, the values, and the user's command (joined with spaces, as ssh
 * itself would send it). With fish as the remote login shell, a command holding `\\` or `\'` is
 * read with fish's quoting rules (README).
 */
export function remoteCommand(env: RemoteEnv, command: readonly string[]): string {
  const profiles = Object.keys(env.uris);
  const first = profiles[0] as string;
  const uri = env.uris[first] as string;
  // The other granted profiles: the same URI with their name at the end.
  const base = uri.slice(0, uri.length - encodeURIComponent(first).length);
  const words = [uri, base, first, profiles.join(' '), env.region ?? '', ...(command.length ? [command.join(' ')] : [])];
  return ['exec', '/bin/sh', '-c', shQuote(SCRIPT), 'sso-agent-ssh', ...words.map(shQuote)].join(' ');
}
