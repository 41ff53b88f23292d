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

export interface RoleRefParts {
  accountId: string;
  /** The portal's role name (the permission set name). */
  roleName: string;
  /** Only for an ARN. */
  partition?: string;
}

/** Regions to partitions (the prefixes AWS uses; everything else is the commercial partition). */
const PARTITIONS: ReadonlyArray<[RegExp, string]> = [
  [/^cn-/, 'aws-cn'],
  [/^us-gov-/, 'aws-us-gov'],
  [/^us-isob-/, 'aws-iso-b'],
  [/^us-iso-/, 'aws-iso'],
  [/^eu-isoe-/, 'aws-iso-e'],
  [/^us-isof-/, 'aws-iso-f'],
  [/^eusc-/, 'aws-eusc'],
];

export function partitionOf(region: string): string {
  for (const [re, partition] of PARTITIONS) if (re.test(region)) return partition;
  return 'aws';
}

// IAM role names: [\w+=,.@-]{1,64}; paths: /-separated segments of printable ASCII.
const ARN = /^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):role\/(?:[\x21-\x7e]+\/)?([\w+=,.@-]{1,64})$/;
const RESERVED = /^AWSReservedSSO_([\w+=,.@-]+)_[0-9a-f]{8,32}$/;

/**
 * `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME` → its account and portal role name
 * (`AWSReservedSSO_Admin_2f24367c24ca1a37` → `Admin`; any other name is taken as it is, which is
 * how earlier versions of the agent spelled ARNs). Undefined for anything else.
 */
export function parseRoleArn(text: string): RoleRefParts | undefined {
  const m = ARN.exec(text);
  if (!m) return undefined;
  const [, partition, accountId, name] = m as unknown as [string, string, string, string];
  const reserved = RESERVED.exec(name);
  return { partition, accountId, roleName: reserved ? reserved[1]! : name };
}
