/**
 * AWS's own names, read one way everywhere: regions, the partition a region belongs to, and role
 * ARNs. The partition comes from the SDK's partition data (`partition()` of `@aws-sdk/core/client`,
 * what every SDK client resolves its endpoints with), so a new partition needs no change here.
 */
import { createRequire } from 'node:module';

type PartitionFn = (region: string) => { name: string; dnsSuffix: string };
let sdkPartition: PartitionFn | undefined;
const byRegion = new Map<string, { name: string; dnsSuffix: string }>();

function partitionFacts(region: string): { name: string; dnsSuffix: string } {
  let facts = byRegion.get(region);
  if (facts === undefined) {
    sdkPartition ??= (createRequire(import.meta.url)('@aws-sdk/core/client') as { partition: PartitionFn }).partition;
    const { name, dnsSuffix } = sdkPartition(region);
    facts = { name, dnsSuffix };
    byRegion.set(region, facts);
  }
  return facts;
}

/**
 * The partition of a region (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, …; unknown shapes are
 * `aws`, as the SDK decides). The SDK module loads at the first call, not at start: it brings the
 * SDK's endpoint machinery with it, which only ARN lookups and the console need.
 */
export function partitionOf(region: string): string {
  return partitionFacts(region).name;
}

/** The DNS suffix of the region's partition (`amazonaws.com`, `amazonaws.com.cn`, …), from the same data. */
export function dnsSuffixOf(region: string): string {
  return partitionFacts(region).dnsSuffix;
}

/**
 * The shape of a region name in every partition (`eu-west-1`, `us-gov-west-1`, `cn-north-1`,
 * `us-isob-east-1`, `eusc-de-east-1`). A shape, not the SDK's list: regions newer than the
 * installed SDK are still regions, and checking a config line should not load the SDK.
 */
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;

export function isRegion(text: string): boolean {
  return REGION.test(text);
}

/** A role's IAM ARN, taken apart. */
export interface RoleArnParts {
  partition: string;
  accountId: string;
  /** The role's name, without its path. */
  roleName: string;
}

// arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME — IAM role names are [\w+=,.@-]{1,64}; a path is
// /-separated segments of printable ASCII (IAM API reference, CreateRole).
const ROLE_ARN = /^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):role\/(?:[\x21-\x7e]+\/)?([\w+=,.@-]{1,64})$/;

/** `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME` → partition, account and name; undefined for anything else. */
export function parseRoleArn(text: string): RoleArnParts | undefined {
  const m = ROLE_ARN.exec(text);
  return m ? { partition: m[1]!, accountId: m[2]!, roleName: m[3]! } : undefined;
}
