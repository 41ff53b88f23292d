import type { FastifyInstance } from 'fastify';
import { ADMIN_ROUTES, type GrantInfo, type GrantReply, type GrantRequest } from '../core/admin-api.js';
import { GrantNotFoundError, InvalidInputError, NoContainerAddressError, BadUsageError } from '../errors.js';
import type { GrantStore } from '../store/grants.js';
import type { AgentCore } from '../core/types.js';
import { ECS_ADDRESS, hostPort, isLoopbackAddress } from './listener-identity.js';

/** Where grants work: what the daemon knows about its listeners. */
export interface GrantDoors {
  grants: GrantStore;
  /** `serve --container-address`, each with its own port if it has one; the first makes the URIs. */
  containerAddresses: readonly { address: string; port?: number }[];
  /** The agent's TCP port (the container listener uses the same). */
  port: () => number;
  /** Opens the loopback listener of one ssh grant; resolves with its port. */
  openRemote: (grantId: string, remotePort: number) => Promise<number>;
}

/**
 * An ssh grant must be held (`POST /v1/grants/hold`) within this long of its creation, or it ends:
 * a `sso-agent ssh` killed between the two requests leaves nothing behind.
 */
export const HOLD_WAIT_MS = 30_000;

/** Longest --ttl: a grant is a convenience for a working day or so, not a standing credential. */
const MAX_TTL_SECONDS = 7 * 24 * 3600;

const credentialsPath = (profile: string): string => `/v1/credentials/${encodeURIComponent(profile)}`;

/** The host part of a container grant's URI: a relay's ECS address when the listener is on loopback. */
export function containerUriHost(address: string, port: number): string {
  return hostPort(isLoopbackAddress(address) ? ECS_ADDRESS : address, port);
}

/** The admin routes of grants: create, list, revoke, and the hold of an ssh session. */
export function registerGrantRoutes(app: FastifyInstance, core: AgentCore, doors: GrantDoors): void {
  const { grants } = doors;

  app.post(ADMIN_ROUTES.grants, async (req): Promise<GrantReply> => {
    const body = parseGrantRequest(req.body);
    const roles = body.profiles.map((ref) => core.resolveProfile(ref));
    const profiles = [...new Set(roles.map((r) => r.profile))];
    let uriHost: string;
    if (body.kind === 'container') {
      const first = doors.containerAddresses[0];
      if (first === undefined) throw new NoContainerAddressError();
      uriHost = containerUriHost(first.address, first.port ?? doors.port());
    } else {
      uriHost = `127.0.0.1:${body.remotePort as number}`;
    }
    const ttlMs = body.kind === 'remote' ? HOLD_WAIT_MS : body.ttlSeconds === undefined ? undefined : body.ttlSeconds * 1000;
    const { grant, token } = grants.create({ kind: body.kind, profiles, ...(ttlMs !== undefined ? { ttlMs } : {}), ...(body.label ? { label: body.label } : {}) });
    let listenerPort: number | undefined;
    if (body.kind === 'remote') {
      try {
        listenerPort = await doors.openRemote(grant.id, body.remotePort as number);
      } catch (err) {
        grants.revoke(grant.id);
        throw err;
      }
    }
    const first = roles[0];
    const region = first?.region ?? core.listSessions().find((s) => s.name === first?.session)?.region;
    const info = grants.list().find((g) => g.id === grant.id) as GrantInfo;
    return {
      grant: info, token, uris: Object.fromEntries(profiles.map((p) => [p, `http://${uriHost}${credentialsPath(p)}`])),
      ...(region ? { region } : {}), ...(listenerPort !== undefined ? { listenerPort } : {}),
      ...(body.kind === 'container' && doors.containerAddresses.some((c) => c.address === ECS_ADDRESS && (c.port ?? doors.port()) === 80) ? { ecsEndpoint: true } : {}),
    };
  });

  app.get(ADMIN_ROUTES.grants, async (): Promise<GrantInfo[]> => grants.list());

  app.post(ADMIN_ROUTES.grantRevoke, async (req): Promise<{ revoked: string }> => {
    const id = grantId(req.body);
    if (!grants.revoke(id)) throw new GrantNotFoundError(id);
    return { revoked: id };
  });

  // Held open by `sso-agent ssh` for the session's life: when its connection closes (ssh ended,
  // the command was killed) the grant ends and its listener closes.
  app.post(ADMIN_ROUTES.grantHold, async (req, reply): Promise<{ ended: true }> => {
    const id = grantId(req.body);
    if (grants.get(id) === undefined) throw new GrantNotFoundError(id);
    grants.setExpiry(id, undefined);
    reply.raw.once('close', () => { grants.revoke(id); });
    await grants.whenEnded(id);
    return { ended: true };
  });
}

function grantId(raw: unknown): string {
  const id = (raw as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || !/^g-[0-9a-f]{8}$/.test(id)) throw new BadUsageError('a grant id looks like g-0123abcd: list them with `sso-agent grants`');
  return id;
}

/** The GrantRequest the routes use, checked field by field. */
export function parseGrantRequest(raw: unknown): GrantRequest {
  const b = (raw ?? {}) as Record<string, unknown>;
  if (b.kind !== 'container' && b.kind !== 'remote') throw new InvalidInputError('kind must be "container" or "remote"');
  if (!Array.isArray(b.profiles) || b.profiles.length === 0 || !b.profiles.every((p) => typeof p === 'string' && p !== '')) {
    throw new BadUsageError('a grant needs at least one PROFILE');
  }
  const req: GrantRequest = { kind: b.kind, profiles: b.profiles as string[] };
  if (b.ttlSeconds !== undefined) {
    if (typeof b.ttlSeconds !== 'number' || !Number.isInteger(b.ttlSeconds) || b.ttlSeconds < 1 || b.ttlSeconds > MAX_TTL_SECONDS) {
      throw new BadUsageError(`--ttl takes 1s to 7d, not ${JSON.stringify(b.ttlSeconds)} seconds`);
    }
    req.ttlSeconds = b.ttlSeconds;
  }
  if (b.label !== undefined) {
    if (typeof b.label !== 'string' || b.label.length > 200) throw new InvalidInputError('label must be a string of at most 200 characters');
    req.label = b.label;
  }
  if (b.kind === 'remote') {
    if (typeof b.remotePort !== 'number' || !Number.isInteger(b.remotePort) || b.remotePort < 1 || b.remotePort > 65535) {
      throw new BadUsageError('an ssh grant needs the remote port (1-65535)');
    }
    req.remotePort = b.remotePort;
  }
  return req;
}
