/**
 * The AWS console sign-in URLs, as pure functions (AWS IAM User Guide, "Enable custom identity
 * broker access to the AWS console"): a `getSigninToken` request carrying the role's temporary
 * credentials, then an `Action=login` URL carrying the token it returns.
 */
import { partitionOf } from '../../core/aws-names.js';
import { BadUsageError } from '../../errors.js';

export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * The domain each partition's sign-in and console hosts live under (aws-cli's `aws signin
 * --partition`); the SDK's partition data has the API domains only. The isolated partitions have
 * no public federation endpoint.
 */
const PARTITION_DOMAINS: Readonly<Record<string, string>> = {
  aws: 'aws.amazon.com',
  'aws-us-gov': 'amazonaws-us-gov.com',
  'aws-cn': 'amazonaws.cn',
};

/**
 * The console session bounds for credentials from GetRoleCredentials or a first AssumeRole:
 * "from 900 seconds (15 minutes) to 43200 seconds (12 hours)" (IAM User Guide, the page above).
 */
export const MIN_SESSION_S = 900;
export const MAX_SESSION_S = 43_200;

/** The sign-in and console domain of the region's partition (core/aws-names.ts). */
function consoleDomain(region: string): string {
  const partition = partitionOf(region);
  const domain = PARTITION_DOMAINS[partition];
  if (domain === undefined) throw new BadUsageError(`the AWS console sign-in is not available in partition ${partition} (region ${region}); pass --region with a region of aws, aws-cn or aws-us-gov, or set SSO_AGENT_FEDERATION_URL`);
  return domain;
}

/** `SSO_AGENT_FEDERATION_URL` (tests, the emulator) or the partition's own endpoint. */
export function federationEndpoint(region: string, override?: string): string {
  if (override !== undefined && override !== '') {
    let u: URL;
    try {
      u = new URL(override);
    } catch {
      throw new BadUsageError(`SSO_AGENT_FEDERATION_URL is not a URL (${JSON.stringify(override)}): set it to e.g. https://signin.aws.amazon.com/federation, or unset it`);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') {
      throw new BadUsageError(`SSO_AGENT_FEDERATION_URL must be an http(s) URL, not ${JSON.stringify(override)}`);
    }
    return u.toString();
  }
  return `https://signin.${consoleDomain(region)}/federation`;
}

/** The console home of a region, in that region's partition. */
export function consoleHome(region: string): string {
  return `https://console.${consoleDomain(region)}/console/home?region=${encodeURIComponent(region)}`;
}

export function checkDestination(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new BadUsageError(`--destination takes an absolute URL such as https://console.aws.amazon.com/s3/home, not ${JSON.stringify(text)}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new BadUsageError(`--destination must be an http(s) URL, not ${JSON.stringify(text)}`);
  return u.toString();
}

/**
 * The `SessionDuration` to send, in seconds, or undefined to send none (the console session then
 * lasts as long as the credentials). Credentials from role chaining take no SessionDuration at
 * all: the federation endpoint answers 400 "Invalid credentials parameter" when one is sent with
 * them (99designs/aws-vault#77, fixed in #92 by not chaining; Bridgewater/holochrome#8), and AWS
 * limits chained sessions to one hour anyway (STS AssumeRole, DurationSeconds).
 */
export function sessionDuration(requestedMs: number | undefined, chained: boolean): number | undefined {
  if (requestedMs === undefined) return undefined;
  if (chained) {
    throw new BadUsageError('--duration cannot be used with a chained profile: AWS refuses a console session length for role-chained credentials, and the session lasts as long as they do (at most 1 h)');
  }
  const s = Math.round(requestedMs / 1000);
  if (s < MIN_SESSION_S || s > MAX_SESSION_S) {
    throw new BadUsageError(`--duration must be from 15m to 12h (AWS's console session limits), not ${s}s`);
  }
  return s;
}

export function signinTokenUrl(endpoint: string, creds: SessionCredentials, durationS: number | undefined): string {
  const u = new URL(endpoint);
  u.searchParams.set('Action', 'getSigninToken');
  if (durationS !== undefined) u.searchParams.set('SessionDuration', String(durationS));
  // Key names and order as in AWS's examples; the endpoint reads them from this JSON document.
  u.searchParams.set('Session', JSON.stringify({ sessionId: creds.accessKeyId, sessionKey: creds.secretAccessKey, sessionToken: creds.sessionToken }));
  return u.toString();
}

export interface LoginUrlParts {
  endpoint: string;
  signinToken: string;
  destination: string;
  /** Where the console sends the person when the session ends. */
  issuer: string;
}

export function loginUrl(parts: LoginUrlParts): string {
  const u = new URL(parts.endpoint);
  u.searchParams.set('Action', 'login');
  u.searchParams.set('Issuer', parts.issuer);
  u.searchParams.set('Destination', parts.destination);
  u.searchParams.set('SigninToken', parts.signinToken);
  return u.toString();
}
