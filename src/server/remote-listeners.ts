import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeNow, listenExtra } from './listener-server.js';

/**
 * One loopback listener per ssh grant, on a port of its own: the local end of that session's
 * `ssh -R`. Its requests can use that grant and nothing else, and it closes when the grant ends.
 */
export class RemoteListeners {
  private readonly servers = new Map<string, Server>();

  constructor(private readonly app: FastifyInstance) {}

  async open(grantId: string, remotePort: number): Promise<number> {
    const server = await listenExtra(this.app, { kind: 'remote', grantId, hostPort: remotePort }, '127.0.0.1', 0);
    this.servers.set(grantId, server);
    return (server.address() as AddressInfo).port;
  }

  close(grantId: string): Promise<void> {
    const server = this.servers.get(grantId);
    this.servers.delete(grantId);
    return server ? closeNow(server) : Promise.resolve();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.servers.keys()].map((id) => this.close(id)));
  }
}
