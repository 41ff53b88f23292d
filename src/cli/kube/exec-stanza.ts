import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultMainScript, onPath } from '../aws-config/self-command.js';

/**
 * The kubeconfig `users[].user.exec` entry that runs `sso-agent eks-token`. kubectl runs it for
 * every command, so where curl exists it is the shell client (bin/sso-agent-eks-token.sh, which
 * asks the agent's socket without starting Node and runs the Node entry for anything else);
 * otherwise the Node entry itself. Absolute paths, as `config --write` writes them: kubectl may
 * run with a bare PATH (IDEs, CI) and needs no shell quoting for an args list.
 */

/** kubectl 1.20 and later read it; v1 needs 1.22. `eks-token` answers in what kubectl announces. */
export const EXEC_API_VERSION = 'client.authentication.k8s.io/v1beta1';

export interface ExecStanza {
  apiVersion: string;
  command: string;
  args: string[];
  /** The token comes from the agent: kubectl must never wait on a terminal for it. */
  interactiveMode: 'Never';
  /** eks-token needs nothing of the cluster's details; keeps KUBERNETES_EXEC_INFO small. */
  provideClusterInfo: false;
}

export interface ExecParts {
  execPath: string;
  mainScript: string;
  /** bin/sso-agent-eks-token.sh, when curl and /bin/sh exist. */
  shellClient?: string;
}

export function execStanza(parts: ExecParts, eksTokenArgs: string[]): ExecStanza {
  const node = [parts.execPath, parts.mainScript, 'eks-token', ...eksTokenArgs];
  const [command, ...args] = parts.shellClient === undefined ? node : ['/bin/sh', parts.shellClient, ...node];
  return { apiVersion: EXEC_API_VERSION, command: command!, args, interactiveMode: 'Never', provideClusterInfo: false };
}

export function defaultExecParts(env: NodeJS.ProcessEnv = process.env): ExecParts {
  const mainScript = defaultMainScript();
  const shellClient = join(mainScript, '..', '..', '..', 'bin', 'sso-agent-eks-token.sh');
  const useShell = onPath('curl', env) && existsSync('/bin/sh') && existsSync(shellClient);
  return { execPath: process.execPath, mainScript, ...(useShell ? { shellClient } : {}) };
}
