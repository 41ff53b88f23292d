/**
 * Network namespaces as stand-ins for containers (not a test itself). A "host" namespace holds the
 * agent, the emulator and a bridge (as Docker's network would); each "container" namespace is
 * joined to the bridge by a veth pair. Every name carries a random suffix, so test files running
 * at once never meet; `remove()` deletes every namespace (and with them their links) and is safe to
 * call twice. Needs root and iproute2.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';

export const BRIDGE = 'br0';

export function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr}`);
}

/** Why namespaces cannot be made here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root (CI runs as root)';
  if (spawnSync('ip', ['-V']).status !== 0) return 'iproute2 (`ip`) is not installed';
  return undefined;
}

export interface Netns {
  /** Namespace names: the host side and each container. */
  host: string;
  containers: string[];
  /** `ip netns exec NAME …` as an argv prefix. */
  exec(ns: string): string[];
  /** Gives or takes an address of the bridge (the host end), as Docker does when a network comes and goes. */
  addHostAddress(cidr: string): void;
  delHostAddress(cidr: string): void;
  remove(): void;
}

/**
 * `prefix` names what the test is for (at most 6 characters); `hostCidr` is the bridge's first
 * address; `containerCidrs` one address per container namespace.
 */
export function makeNetns(prefix: string, hostCidr: string, containerCidrs: string[]): Netns {
  const sfx = randomBytes(3).toString('hex');
  const host = `${prefix}h${sfx}`;
  const containers = containerCidrs.map((_, i) => `${prefix}c${i}${sfx}`);
  const made: string[] = [];
  const remove = (): void => {
    for (const ns of made.splice(0).reverse()) spawnSync('ip', ['netns', 'del', ns]);
  };
  try {
    for (const ns of [host, ...containers]) {
      ip(['netns', 'add', ns]);
      made.push(ns);
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    ip(['-n', host, 'link', 'add', BRIDGE, 'type', 'bridge']);
    ip(['-n', host, 'addr', 'add', hostCidr, 'dev', BRIDGE]);
    ip(['-n', host, 'link', 'set', BRIDGE, 'up']);
    containers.forEach((ns, i) => {
      const hostEnd = `veth${i}`;
      ip(['-n', host, 'link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      ip(['-n', host, 'link', 'set', hostEnd, 'master', BRIDGE, 'up']);
      ip(['-n', ns, 'addr', 'add', containerCidrs[i] as string, 'dev', 'eth0']);
      ip(['-n', ns, 'link', 'set', 'eth0', 'up']);
    });
  } catch (err) {
    remove();
    throw err;
  }
  return {
    host, containers, remove,
    exec: (ns) => ['ip', 'netns', 'exec', ns],
    addHostAddress: (cidr) => ip(['-n', host, 'addr', 'add', cidr, 'dev', BRIDGE]),
    delHostAddress: (cidr) => ip(['-n', host, 'addr', 'del', cidr, 'dev', BRIDGE]),
  };
}
