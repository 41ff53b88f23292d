import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { ServiceError, isAgentError } from '../../errors.js';
import type { StopReply } from '../../core/admin-api.js';
import { socketPath } from '../../paths.js';
import { parseCommandArgs, rejectPositionals } from '../args.js';
import type { Command } from '../command.js';

const HELP = `Usage: sso-agent stop [--socket PATH]

Stops the running agent (one started with \`sso-agent serve --background\`, or any other) as
SIGTERM would: in-flight requests finish, the socket is removed, the process exits 0. Waits until
it has ended. Under systemd or launchd, prefer \`systemctl --user stop sso-agent\` (a socket unit
starts it again at the next request). No agent running is not an error.
`;

/** The agent's own shutdown takes at most 2 s (the serve contract); a little more for the process to go. */
const STOP_WAIT_MS = 5000;

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('stop', argv, { socket: { type: 'string' } });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  rejectPositionals('stop', positionals);
  const socket = values.socket ?? socketPath();
  let reply: StopReply;
  try {
    reply = await adminRequest<StopReply>('POST', ADMIN_ROUTES.stop, {}, { socket, timeoutMs: 5000 });
  } catch (err) {
    if (isAgentError(err) && err.code === 'AgentNotRunning') {
      process.stderr.write(`sso-agent: no agent is running on ${socket}; nothing to stop\n`);
      return 0;
    }
    throw err;
  }
  const deadline = Date.now() + STOP_WAIT_MS;
  while (alive(reply.pid)) {
    if (Date.now() > deadline) throw new ServiceError(`the agent (pid ${reply.pid}) is still running ${STOP_WAIT_MS / 1000} s after it was asked to stop: \`kill ${reply.pid}\``);
    await new Promise((r) => setTimeout(r, 25));
  }
  process.stdout.write(`stopped sso-agent (pid ${reply.pid})\n`);
  return 0;
};
