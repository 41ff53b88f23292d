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

# Finding, checking and asking the socket is shared with the other shell clients.
case $0 in */*) . "${0%/*}/sso-agent-socket.sh" ;; *) . ./sso-agent-socket.sh ;; esac

if [ "$#" -eq 1 ] && [ "$1" = --socket-path ]; then
  socket_path
  exit 0
fi

node=$1
main=$2
shift 2

if [ "$#" -eq 2 ] && [ "$1" = credential-process ] && command -v curl >/dev/null 2>&1; then
  if sso_agent_socket && sso_agent_get /v1/credential-process --data-urlencode "profile=$2"; then
    printf '%s\n' "$out"
    exit 0
  fi
fi
exec "$node" "$main" "$@"
