import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import { appRequestHandling, createCredentialsServer } from './credentials-app.js';
import { type ListenerIdentity, tagRequest } from './listener-identity.js';

/**
 * One more door into the credentials app: an http server on `host:port` whose requests carry
 * `identity`, so the guards apply that listener's Host rule and token rule. Same fast path, same
 * routes, same limits as the loopback listener.
 */
export async function listenExtra(app: FastifyInstance, identity: ListenerIdentity, host: string, port: number): Promise<Server> {
  const { handler } = appRequestHandling(app);
  const server = createCredentialsServer((req, res) => {
    tagRequest(req, identity);
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** Stops accepting and cuts open connections at once: a revoked grant's peers must not linger. */
export function closeNow(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
