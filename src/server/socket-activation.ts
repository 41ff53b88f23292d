import { InvalidInputError } from '../errors.js';

/** sd_listen_fds(3): inherited sockets start at fd 3. */
export const SD_LISTEN_FDS_START = 3;

/**
 * The listening TCP socket systemd (sso-agent.socket, or systemd-socket-activate) handed over, by
 * the LISTEN_FDS/LISTEN_PID protocol. The socket unit holds the port while the agent is down, so
 * no other local user can bind it between a stop and a start. The variables are removed so a
 * child process (`exec`, a browser) never believes fd 3 is meant for it. Undefined: started by hand.
 */
export function inheritedListenFd(env: NodeJS.ProcessEnv = process.env, pid: number = process.pid): number | undefined {
  const fds = env.LISTEN_FDS;
  const forPid = env.LISTEN_PID;
  delete env.LISTEN_FDS;
  delete env.LISTEN_PID;
  delete env.LISTEN_FDNAMES;
  if (fds === undefined || forPid === undefined) return undefined;
  // Meant for another process (a parent that did not clear them): not ours to use.
  if (forPid !== String(pid)) return undefined;
  const n = Number(fds);
  if (!Number.isInteger(n) || n < 1) return undefined;
  if (n > 1) {
    throw new InvalidInputError(`systemd passed ${n} sockets; the agent takes one: keep a single ListenStream=127.0.0.1:PORT in sso-agent.socket`);
  }
  return SD_LISTEN_FDS_START;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** An inherited socket is only used when it listens on loopback, as a socket the agent binds would. */
export function assertLoopbackAddress(address: string): void {
  if (!LOOPBACK.has(address)) {
    throw new InvalidInputError(`the socket systemd passed listens on ${address}: the agent serves credentials on loopback only, set ListenStream=127.0.0.1:PORT in sso-agent.socket`);
  }
}
