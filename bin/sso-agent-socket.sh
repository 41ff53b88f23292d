# Sourced (`. sso-agent-socket.sh`) by the shell clients in this folder, so that finding and
# asking the agent's admin socket is written once for all of them. No secret passes through a
# command line or a file here: answers go from curl's output into $out.
# A client whose call fails hands over to the Node entry, which makes every check and names the fix.

# Sets $sock to the admin socket's path as src/paths.ts computes it; succeeds when a socket is there.
sso_agent_socket() {
  if [ -n "${SSO_AGENT_SOCK:-}" ]; then
    sock=$SSO_AGENT_SOCK
  elif [ -n "${SSO_AGENT_RUNTIME_DIR:-}" ]; then
    sock=$SSO_AGENT_RUNTIME_DIR/agent.sock
  elif [ -n "${XDG_RUNTIME_DIR:-}" ]; then
    sock=$XDG_RUNTIME_DIR/sso-agent/agent.sock
  else
    sock_tmp=${TMPDIR:-${TMP:-${TEMP:-/tmp}}}
    sock=${sock_tmp%/}/sso-agent-$(id -u)/agent.sock
  fi
  [ -S "$sock" ]
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
