#!/bin/sh
# kubectl exec plugin client of sso-agent, written into kubeconfig by `sso-agent kubeconfig`
# where curl exists:
#   /bin/sh .../sso-agent-eks-token.sh NODE MAIN_JS eks-token --cluster-name NAME [--region R] [--api-version V] PROFILE
# kubectl runs its exec plugin for every command: `aws eks get-token` starts Python (about a
# second), a Node entry 60-130 ms; the agent's admin socket asked with curl answers in a few.
# It holds no secret: the token goes from curl's output to stdout through a shell variable.
# Anything else (other arguments, no curl, no socket, the agent refusing) runs the Node entry,
# which prints the agent's own message on stderr and exits non-zero.
node=$1
main=$2
shift 2

# Reads the arguments `sso-agent eks-token` takes (only the separate-word form) and asks the agent;
# fails for anything it does not know, so that the Node entry deals with it.
eks_token() {
  [ "$#" -ge 1 ] && [ "$1" = eks-token ] || return 1
  shift
  profile='' cluster='' region='' api=''
  while [ "$#" -gt 0 ]; do
    case $1 in
      --cluster-name | --region | --api-version)
        [ "$#" -ge 2 ] || return 1
        case $1 in
          --cluster-name) cluster=$2 ;;
          --region) region=$2 ;;
          *) api=$2 ;;
        esac
        shift 2
        ;;
      -*) return 1 ;;
      *)
        [ -z "$profile" ] || return 1
        profile=$1
        shift
        ;;
    esac
  done
  [ -n "$profile" ] && [ -n "$cluster" ] || return 1
  command -v curl >/dev/null 2>&1 || return 1
  case $0 in */*) . "${0%/*}/sso-agent-socket.sh" ;; *) . ./sso-agent-socket.sh ;; esac
  sso_agent_socket || return 1
  # The caller's environment goes along (EKS_TOKEN_ENV in src/admin-api.ts): the agent's is not kubectl's.
  set -- --data-urlencode "profile=$profile" --data-urlencode "cluster=$cluster"
  [ -z "$region" ] || set -- "$@" --data-urlencode "region=$region"
  [ -z "$api" ] || set -- "$@" --data-urlencode "apiVersion=$api"
  [ -z "${AWS_REGION:-}" ] || set -- "$@" --data-urlencode "AWS_REGION=$AWS_REGION"
  [ -z "${AWS_DEFAULT_REGION:-}" ] || set -- "$@" --data-urlencode "AWS_DEFAULT_REGION=$AWS_DEFAULT_REGION"
  [ -z "${AWS_ENDPOINT_URL_STS:-}" ] || set -- "$@" --data-urlencode "AWS_ENDPOINT_URL_STS=$AWS_ENDPOINT_URL_STS"
  [ -z "${AWS_ENDPOINT_URL:-}" ] || set -- "$@" --data-urlencode "AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL"
  [ -z "${KUBERNETES_EXEC_INFO:-}" ] || set -- "$@" --data-urlencode "KUBERNETES_EXEC_INFO=$KUBERNETES_EXEC_INFO"
  sso_agent_get /v1/eks-token "$@"
}

if eks_token "$@"; then
  # The agent's answer ends in a blank line, as `aws eks get-token`'s does; $(…) cut it.
  printf '%s\n\n' "$out"
  exit 0
fi
exec "$node" "$main" "$@"
