import { isIP } from 'node:net';
import { BadUsageError } from '../errors.js';

/** A container listener: an address, and a port of its own when not the agent's. */
export interface ContainerAddress { address: string; port?: number }

/**
 * `--container-address ADDR[:PORT]` (IPv6 as `[ADDR]:PORT`): one IP address, never a wildcard.
 * Binding 0.0.0.0 or :: would put the credentials port on every network the machine joins; the
 * address is what you grant, so it has to be named. Loopback is allowed (the end of a relay, on
 * Docker Desktop). PORT defaults to the agent's port; `169.254.170.2:80` is where SDKs that know
 * only the ECS endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) look.
 */
export function parseContainerAddress(text: string): ContainerAddress {
  let addr = text;
  let portText: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6) [addr, portText] = [v6[1] as string, v6[2]];
  else if (isIP(text) === 0 && /^[^:]+:\d+$/.test(text)) [addr, portText] = text.split(':') as [string, string];
  if (isIP(addr) === 0) {
    throw new BadUsageError(`--container-address takes an IP address such as 169.254.170.2 (with :PORT if not the agent's), not ${JSON.stringify(text)}`);
  }
  if (addr === '0.0.0.0' || /^[:0]+$/.test(addr)) {
    throw new BadUsageError(`--container-address ${text} would listen on every network: name one address, such as 169.254.170.2`);
  }
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new BadUsageError(`--container-address ${text}: the port must be 1 to 65535`);
  }
  return { address: addr.toLowerCase(), ...(port !== undefined ? { port } : {}) };
}

/** The flag's form again (for the service unit's ExecStart). */
export function formatContainerAddress(c: ContainerAddress): string {
  const a = isIP(c.address) === 6 ? `[${c.address}]` : c.address;
  return c.port === undefined ? a : `${a}:${c.port}`;
}
