/**
 * A role named by its IAM ARN (the other forms, profile name and `ACCOUNT_ID:ROLE_NAME`, are plain
 * map keys in the catalog). Pure parsing; the catalog does the matching.
 *
 * IAM Identity Center creates one IAM role per permission set and account, named
 * `AWSReservedSSO_<PermissionSet>_<16 hex>` under the path `/aws-reserved/sso.amazonaws.com/`
 * (some instances add a region segment: `.../sso.amazonaws.com/eu-west-1/...`). The portal API gives
 * only the permission set name, so an ARN is matched by partition, account and permission set
 * name; the hex suffix is not known and not checked.
 */
import { parseRoleArn } from '../core/aws-names.js';

export interface RoleRefParts {
  accountId: string;
  /** The portal's role name (the permission set name). */
  roleName: string;
  /** Only for an ARN. */
  partition?: string;
}

const RESERVED = /^AWSReservedSSO_([\w+=,.@-]+)_[0-9a-f]{8,32}$/;

/**
 * A role ARN → its account and portal role name (`AWSReservedSSO_Admin_2f24367c24ca1a37` →
 * `Admin`; any other name is taken as it is, which is how earlier versions of the agent spelled
 * ARNs). Undefined for anything else.
 */
export function roleRefOfArn(text: string): RoleRefParts | undefined {
  const arn = parseRoleArn(text);
  if (!arn) return undefined;
  const reserved = RESERVED.exec(arn.roleName);
  return { ...arn, roleName: reserved ? reserved[1]! : arn.roleName };
}
