import type { FastifyInstance } from 'fastify';
import type { OrgAccount } from './org.js';

/**
 * The IAM roles STS AssumeRole may target, and the emulator's stand-in for their trust policies.
 *
 * Rule: a role exists when its account is one of the organisation's accounts and it is either
 * `OrganizationAccountAccessRole` (which AWS Organizations creates in every member account) or a
 * role added through `POST /_emulator/roles`. Every credential the emulator issued (portal role
 * credentials and AssumeRole's own) may assume an existing role, unless the role was marked
 * `deny` (its trust policy does not name the caller) or asks for an ExternalId the call did not
 * send. Anything else is AccessDenied, as AWS answers for a missing role too (it does not say
 * which of the two it was).
 */
export const ORGANIZATION_ROLE = 'OrganizationAccountAccessRole';

export interface IamRole {
  accountId: string;
  roleName: string;
  /** The `sts:ExternalId` condition of the trust policy, if any. */
  externalId?: string;
  /** True when the trust policy does not let the emulator's callers in. */
  deny: boolean;
}

export type AssumeDecision = 'allow' | 'deny';

export class IamRoles {
  private readonly roles = new Map<string, IamRole>();

  private key(accountId: string, roleName: string): string {
    // IAM role names are unique per account regardless of path, and compared without case.
    return `${accountId}/${roleName.toLowerCase()}`;
  }

  find(org: readonly OrgAccount[], accountId: string, roleName: string): IamRole | undefined {
    if (!org.some((a) => a.accountId === accountId)) return undefined;
    const added = this.roles.get(this.key(accountId, roleName));
    if (added) return added;
    if (roleName.toLowerCase() === ORGANIZATION_ROLE.toLowerCase()) return { accountId, roleName: ORGANIZATION_ROLE, deny: false };
    return undefined;
  }

  decide(org: readonly OrgAccount[], accountId: string, roleName: string, externalId: string | undefined): AssumeDecision {
    const role = this.find(org, accountId, roleName);
    if (!role || role.deny) return 'deny';
    if (role.externalId !== undefined && role.externalId !== externalId) return 'deny';
    return 'allow';
  }

  put(role: IamRole): void {
    this.roles.set(this.key(role.accountId, role.roleName), role);
  }

  remove(accountId: string, roleName: string): void {
    this.roles.delete(this.key(accountId, roleName));
  }

  list(): IamRole[] {
    return [...this.roles.values()];
  }
}

interface RolesBody {
  add?: Array<{ accountId?: unknown; roleName?: unknown; externalId?: unknown; deny?: unknown }>;
  remove?: Array<{ accountId?: unknown; roleName?: unknown }>;
}

function asText(v: unknown, what: string, re: RegExp): string {
  if (typeof v !== 'string' || !re.test(v)) throw new Error(`${what} must match ${re.source}`);
  return v;
}

/**
 * `POST /_emulator/roles {"add": [{"accountId", "roleName", "externalId"?, "deny"?}], "remove": [{"accountId", "roleName"}]}`:
 * adds, changes (`deny: true` makes AssumeRole of it AccessDenied) or removes roles; answers the list.
 */
export function registerIamControl(app: FastifyInstance, iam: IamRoles): void {
  app.post('/_emulator/roles', async (req, reply) => {
    const body = (req.body ?? {}) as RolesBody;
    try {
      for (const r of Array.isArray(body.add) ? body.add : []) {
        const role: IamRole = {
          accountId: asText(r.accountId, 'accountId', /^\d{12}$/),
          roleName: asText(r.roleName, 'roleName', /^[\w+=,.@-]{1,64}$/),
          deny: r.deny === true,
        };
        if (r.externalId !== undefined) role.externalId = asText(r.externalId, 'externalId', /^[\w+=,.@:/-]{2,1224}$/);
        iam.put(role);
      }
      for (const r of Array.isArray(body.remove) ? body.remove : []) {
        iam.remove(asText(r.accountId, 'accountId', /^\d{12}$/), asText(r.roleName, 'roleName', /^[\w+=,.@-]{1,64}$/));
      }
    } catch (err) {
      return reply.code(400).send({ message: (err as Error).message });
    }
    return reply.send({ roles: iam.list() });
  });
  app.get('/_emulator/roles', async (_req, reply) => reply.send({ roles: iam.list() }));
}
