import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * What one listener allows its clients. SDKs send a few hundred bytes and wait for the answer, on a
 * fresh or briefly reused connection, with 1-2 s timeouts of their own: anything slower or idler is
 * not an SDK, and must not hold a descriptor another client (or the admin socket) needs.
 */
export interface ListenerLimits {
  /** Connections held at once; at the cap, the longest-idle one (else the busiest) makes room. */
  maxConnections: number;
  /** The request line and headers must arrive within this (a slowloris sends a header a minute). */
  headersTimeoutMs: number;
  /** The whole request must arrive within this (the answer may take longer: a cold fetch from AWS). */
  requestTimeoutMs: number;
  /** A kept-alive connection with no request is closed after this. */
  keepAliveTimeoutMs: number;
  /** A connection with no traffic at all (never sent a byte, or never reads the answer) is cut after this. */
  idleTimeoutMs: number;
  /** Requests on one connection before it is cut (0: no limit): a pipelined flood gets no more than its share. */
  maxRequestsPerSocket: number;
}

/**
 * The TCP port (and any other TCP listener of the agent's). 512 connections: far above what the
 * SDK processes of one person open at once, and, with the admin socket's 64, well under the 1024
 * descriptors of the lowest common soft limit, so a local flood never starves the admin socket.
 */
export const TCP_LISTENER_LIMITS: ListenerLimits = {
  maxConnections: 512,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 15_000,
  maxRequestsPerSocket: 100,
};

/**
 * The admin socket: only this user reaches it, but a stuck or buggy client must not pile up
 * connections or hold answers it never reads. Long polls (`login` waiting for the browser) send
 * nothing for minutes, so the idle timeout does not apply there: routes that wait switch it off.
 */
export const ADMIN_LISTENER_LIMITS: ListenerLimits = {
  maxConnections: 64,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
  maxRequestsPerSocket: 0,
};

/**
 * The kernel's queue of connections not yet accepted (node's default: 511; Linux caps it at
 * net.core.somaxconn, 4096 since 5.4). A burst of connections from a flood would otherwise fill it,
 * and the person's SDK would wait out a SYN retransmission (1 s, then 3 s) before the agent sees it.
 */
export const LISTEN_BACKLOG = 4096;

/** How often node checks the header and request timeouts (its default, 30 s, would let them run 30 s late). */
const TIMEOUT_CHECK_MS = 1_000;

/**
 * Requests one connection may have answered per turn of the event loop before it waits for the
 * next turn. libuv reads up to 32 × 64 KiB from a socket per turn — some 20 000 pipelined requests
 * — so without this a few flooding connections keep everyone else waiting for seconds.
 */
export const REQUESTS_PER_TURN = 16;

interface Tracked { busy: number; served: number; lastActive: number; thisTurn: number }

/**
 * An http.Server with `limits` applied: the one function every listener of the agent is made with.
 * Node's own `maxConnections` refuses the newcomer, so a flood of idle connections would lock out
 * the person's SDK; here the newcomer gets the slot of the longest-idle connection, or of the one
 * that sent the most requests, and is refused only when every connection is busy with a first request.
 */
export function createLimitedServer(limits: ListenerLimits, handler: RequestListener, o: { maxHeaderSize?: number } = {}): Server {
  const server = createServer({
    connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    ...(o.maxHeaderSize ? { maxHeaderSize: o.maxHeaderSize } : {}),
  }, handler);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.setTimeout(limits.idleTimeoutMs, (socket: Socket) => socket.destroy());
  const sockets = new Map<Socket, Tracked>();
  server.on('connection', (socket: Socket) => {
    if (sockets.size >= limits.maxConnections && !makeRoom(sockets)) {
      socket.destroy();
      return;
    }
    sockets.set(socket, { busy: 0, served: 0, lastActive: performance.now(), thisTurn: 0 });
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const t = sockets.get(req.socket);
    if (!t) return;
    t.busy++;
    t.served++;
    // Past its share the connection goes, pipelined requests and all (node's own limit answers each
    // extra request with a 503, which costs as much as answering it): a flooder has to reconnect,
    // and waits in the accept queue like everyone else.
    if (limits.maxRequestsPerSocket > 0 && t.served > limits.maxRequestsPerSocket) {
      req.socket.destroy();
      return;
    }
    t.lastActive = performance.now();
    res.once('close', () => { t.busy--; t.lastActive = performance.now(); });
    if (++t.thisTurn === REQUESTS_PER_TURN) {
      const socket = req.socket;
      socket.pause();
      setImmediate(() => { t.thisTurn = 0; if (!socket.destroyed) socket.resume(); });
    }
  });
  return server;
}

/** Closes the longest-idle connection, else the one that made the most requests; false when none may go. */
function makeRoom(sockets: Map<Socket, Tracked>): boolean {
  let idle: [Socket, Tracked] | undefined;
  let busiest: [Socket, Tracked] | undefined;
  for (const entry of sockets) {
    const t = entry[1];
    if (t.busy === 0 && (!idle || t.lastActive < idle[1].lastActive)) idle = entry;
    if (t.served > 1 && (!busiest || t.served > busiest[1].served)) busiest = entry;
  }
  const victim = idle ?? busiest;
  if (!victim) return false;
  sockets.delete(victim[0]);
  victim[0].destroy();
  return true;
}
