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

/** Single quotes for sh, bash, zsh and fish alike: the values hold no backslash. */
export function shQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

export function remoteScript(env: RemoteEnv): string {
  const profiles = Object.keys(env.uris);
  const first = profiles[0] as string;
  const uri = env.uris[first] as string;
  const exports: Record<string, string> = {
    AWS_CONTAINER_CREDENTIALS_FULL_URI: uri,
    // The other granted profiles: the same URI with their name at the end.
    SSO_AGENT_CREDENTIALS_URL: uri.slice(0, uri.length - encodeURIComponent(first).length),
    SSO_AGENT_PROFILE: first,
    SSO_AGENT_PROFILES: profiles.join(' '),
    ...(env.region ? { AWS_REGION: env.region, AWS_DEFAULT_REGION: env.region } : {}),
  };
  return [
    `t="\${${TOKEN_VAR}-}"; unset ${TOKEN_VAR}`,
    `unset ${CLEARED_VARS.join(' ')}`,
    `if [ -z "$t" ]; then echo "sso-agent: no token reached this host: its sshd does not accept ${TOKEN_VAR} (AcceptEnv LC_*), so SDKs here get no credentials" >&2; else export AWS_CONTAINER_AUTHORIZATION_TOKEN="$t"; fi; unset t`,
    ...Object.entries(exports).map(([k, v]) => `export ${k}=${shQuote(v)}`),
    'if [ $# -gt 0 ]; then exec "${SHELL:-/bin/sh}" -c "$1"; fi',
    'exec "${SHELL:-/bin/sh}" -l',
  ].join('\n');
}

/**
 * The one word ssh sends as the remote command. The remote login shell runs it with `-c`; it
 * starts /bin/sh with the script, and the user's command (joined with spaces, as ssh itself would
 * send it) as $1.
 */
export function remoteCommand(env: RemoteEnv, command: readonly string[]): string {
  return ['exec', '/bin/sh', '-c', shQuote(remoteScript(env)), 'sso-agent-ssh', ...(command.length ? [shQuote(command.join(' '))] : [])].join(' ');
}
