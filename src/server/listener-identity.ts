import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { checkHost } from './check-host.js';

/**
 * Which door a request came through. The TCP app answers on several listeners: the loopback one
 * (host tokens, the OAuth redirect), the container address (container grants only), and one
 * loopback listener per `sso-agent ssh` session (that session's grant only). The guards ask the
 * request's listener what Host it must carry and which tokens count.
 */
export type ListenerIdentity =
  | { readonly kind: 'loopback' }
  | { readonly kind: 'container'; readonly address: string; /** Its own port; default the agent's. */ readonly port?: number }
  | { readonly kind: 'remote'; readonly grantId: string; readonly hostPort: number };

export const LOOPBACK: ListenerIdentity = { kind: 'loopback' };

/**
 * The address every SDK's container provider accepts over plain http besides loopback (the ECS
 * task endpoint). A relay or a Docker network puts it in front of containers, so a container
 * listener also answers to it.
 */
export const ECS_ADDRESS = '169.254.170.2';

const tags = new WeakMap<IncomingMessage, ListenerIdentity>();

/** Called by each extra listener's server before the app sees the request. */
export function tagRequest(req: IncomingMessage, identity: ListenerIdentity): void {
  tags.set(req, identity);
}

/** The listener a request came through; the main (loopback) server tags nothing. */
export function listenerOf(req: IncomingMessage): ListenerIdentity {
  return tags.get(req) ?? LOOPBACK;
}

/** `addr:port` as it appears in a Host header (IPv6 in brackets), lower-case. */
export function hostPort(address: string, port: number): string {
  return `${isIP(address) === 6 ? `[${address.toLowerCase()}]` : address}:${port}`;
}

/**
 * DNS-rebinding guard of a listener: the Host header must name the listener's own address and
 * port. A container listener also accepts the ECS address (what a relay forwards) when it is
 * bound to loopback; an ssh listener accepts loopback names with the port of the remote forward,
 * which is what the remote SDKs send.
 */
export function listenerHostOk(listener: ListenerIdentity, host: string | undefined, port: number): boolean {
  switch (listener.kind) {
    case 'loopback':
      return checkHost(host, port);
    case 'remote':
      return checkHost(host, listener.hostPort);
    case 'container': {
      if (host === undefined) return false;
      const h = host.toLowerCase();
      const p = listener.port ?? port;
      const names = isLoopbackAddress(listener.address) ? [listener.address, ECS_ADDRESS] : [listener.address];
      // A Host without a port means port 80, which is where the ECS endpoint lives.
      return names.some((n) => h === hostPort(n, p) || (p === 80 && h === hostPort(n, p).replace(/:80$/, '')));
    }
  }
}

export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));
}
