#!/bin/sh
# credential_process client of sso-agent, written into ~/.aws/config by `sso-agent config --write`
# where curl exists:
#   /bin/sh .../sso-agent-credential-process.sh NODE MAIN_JS credential-process PROFILE
# Starting Node costs 60-130 ms on every `aws` call; asking the agent's admin socket with curl
# costs a few. It holds no secret: the credentials go from curl's output to stdout through a
# shell variable, never through a command line or a file.
# Anything but a clean answer (no curl, no socket, a socket that is not plainly the caller's, the
# agent refusing) runs the Node entry instead, which prints the agent's own message (or why it
# refuses the socket) on stderr and exits non-zero, as it always has.
# `sso-agent-credential-process.sh --socket-path` prints the socket it would ask (tests hold it
# equal to src/paths.ts).

# The socket path as src/paths.ts computes it.
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
    tmp=${TMPDIR:-${TMP:-${TEMP:-/tmp}}}
    printf '%s\n' "${tmp%/}/sso-agent-$(id -u)/agent.sock"
  fi
}

# True when the socket and its folder are plainly the caller's: a real directory of theirs with
# mode 0700 (no ACL), and their socket. Anything else is left to Node, which refuses it by name.
own_socket() {
  dir=$(dirname -- "$1")
  [ -d "$dir" ] && [ ! -h "$dir" ] && [ -O "$dir" ] && [ -S "$1" ] && [ ! -h "$1" ] && [ -O "$1" ] || return 1
  case $(ls -ld -- "$dir") in
    'drwx------ '* | 'drwx------.'* | 'drwx------@'*) return 0 ;;
  esac
  return 1
}

if [ "$#" -eq 1 ] && [ "$1" = --socket-path ]; then
  socket_path
  exit 0
fi

node=$1
main=$2
shift 2

if [ "$#" -eq 2 ] && [ "$1" = credential-process ] && command -v curl >/dev/null 2>&1; then
  sock=$(socket_path)
  if own_socket "$sock"; then
    out=$(curl --silent --fail --max-time 30 --unix-socket "$sock" -G --data-urlencode "profile=$2" http://localhost/v1/credential-process)
    rc=$?
    if [ "$rc" -eq 0 ]; then
      printf '%s\n' "$out"
      exit 0
    fi
    if [ "$rc" -eq 28 ]; then
      # Asking again through Node would only wait another 30 s.
      echo "sso-agent: the agent did not answer within 30000 ms" >&2
      exit 1
    fi
  fi
fi
exec "$node" "$main" "$@"
