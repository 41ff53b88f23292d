# Sourced (`. sso-agent-socket.sh`) by the shell clients in this folder, so that finding, checking
# and asking the agent's admin socket is written once for all of them. No secret passes through a
# command line or a file here: answers go from curl's output into $out.
# A client whose call fails hands over to the Node entry, which makes every check and names the fix.

# The socket path as src/paths.ts computes it (test/paths-shell.test.ts holds the two equal).
socket_path() {
  if [ -n "${SSO_AGENT_SOCK:-}" ]; then
    printf '%s\n' "$SSO_AGENT_SOCK"
  elif [ -n "${SSO_AGENT_RUNTIME_DIR:-}" ]; then
    printf '%s\n' "${SSO_AGENT_RUNTIME_DIR%/}/agent.sock"
  elif [ -n "${XDG_RUNTIME_DIR:-}" ]; then
    printf '%s\n' "${XDG_RUNTIME_DIR%/}/sso-agent/agent.sock"
  elif [ -d "/run/user/$(id -u)" ]; then
    printf '%s\n' "/run/user/$(id -u)/sso-agent/agent.sock"
  else
    sock_tmp=${TMPDIR:-${TMP:-${TEMP:-/tmp}}}
    printf '%s\n' "${sock_tmp%/}/sso-agent-$(id -u)/agent.sock"
  fi
}

# True when the socket and its folder are plainly the caller's: a real directory of theirs with
# mode 0700 (no ACL), and their socket. Anything else is left to Node, which refuses it by name:
# another user may have made the folder in a shared temp dir and run a fake agent in it.
own_socket() {
  sock_dir=$(dirname -- "$1")
  [ -d "$sock_dir" ] && [ ! -h "$sock_dir" ] && [ -O "$sock_dir" ] && [ -S "$1" ] && [ ! -h "$1" ] && [ -O "$1" ] || return 1
  case $(ls -ld -- "$sock_dir") in
    'drwx------ '* | 'drwx------.'* | 'drwx------@'*) return 0 ;;
  esac
  return 1
}

# Sets $sock to the admin socket's path; succeeds when it is there and plainly the caller's.
sso_agent_socket() {
  sock=$(socket_path)
  own_socket "$sock"
}

# sso_agent_get ROUTE [curl -G arguments…]: the agent's answer in $out (trailing newlines cut, as
# by any command substitution); succeeds on a 2xx. A timeout ends the client with exit 1: asking
# again through Node would only wait another 30 s.
sso_agent_get() {
  sock_route=$1
  shift
  out=$(curl --silent --fail --max-time 30 --unix-socket "$sock" -G "$@" "http://localhost$sock_route")
  sock_rc=$?
  if [ "$sock_rc" -eq 28 ]; then
    echo "sso-agent: the agent did not answer within 30000 ms" >&2
    exit 1
  fi
  return "$sock_rc"
}
