#!/bin/sh
# credential_process client of sso-agent, written into ~/.aws/config by `sso-agent config --write`
# where curl exists:
#   /bin/sh .../sso-agent-credential-process.sh NODE MAIN_JS credential-process PROFILE
# Starting Node costs 60-130 ms on every `aws` call; asking the agent's admin socket with curl
# costs a few. It holds no secret: the credentials go from curl's output to stdout through a
# shell variable, never through a command line or a file.
# Anything but a clean answer (no curl, no socket, the agent refusing) runs the Node entry instead,
# which prints the agent's own message on stderr and exits non-zero, as it always has.
node=$1
main=$2
shift 2

if [ "$#" -eq 2 ] && [ "$1" = credential-process ] && command -v curl >/dev/null 2>&1; then
  # The socket path as src/paths.ts computes it.
  if [ -n "${SSO_AGENT_SOCK:-}" ]; then
    sock=$SSO_AGENT_SOCK
  elif [ -n "${SSO_AGENT_RUNTIME_DIR:-}" ]; then
    sock=$SSO_AGENT_RUNTIME_DIR/agent.sock
  elif [ -n "${XDG_RUNTIME_DIR:-}" ]; then
    sock=$XDG_RUNTIME_DIR/sso-agent/agent.sock
  else
    tmp=${TMPDIR:-${TMP:-${TEMP:-/tmp}}}
    sock=${tmp%/}/sso-agent-$(id -u)/agent.sock
  fi
  if [ -S "$sock" ]; then
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
