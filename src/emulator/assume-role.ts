import { stsError, xmlEscape } from './aws-errors.js';
import { ids, roleId, roleSuffix } from './ids.js';
import type { EmulatorState, RoleCredentials } from './state.js';

/**
 * STS AssumeRole, called with credentials this emulator issued (the signature is checked by the
 * caller, sts.ts). What it checks, in AWS's order and words:
 * 1. the request members against the STS model's constraints (botocore's sts/2011-06-15 model:
 *    RoleArn 20–2048, RoleSessionName 2–64 of [\w+=,.@-], ExternalId 2–1224 of [\w+=,.@:/-],
 *    DurationSeconds 900–43200): `ValidationError` (400) "N validation error(s) detected: Value
 *    'x' at 'member' failed to satisfy constraint: …", every violation listed;
 * 2. role chaining: every credential the emulator issues is a role session, so a DurationSeconds
 *    over 3600 is the `ValidationError` AWS sends for chained roles ("The requested DurationSeconds
 *    exceeds the 1 hour session limit for roles assumed by role chaining." — IAM User Guide, "Roles
 *    terms and concepts", role chaining; AssumeRole API reference, DurationSeconds);
 * 3. access (iam.ts): a role that does not exist, that is not in the organisation, whose trust is
 *    denied, or whose ExternalId does not match is `AccessDenied` (403) "User: <caller ARN> is not
 *    authorized to perform: sts:AssumeRole on resource: <RoleArn>"; an ARN that is not an IAM role
 *    ARN gets the same answer, as AWS gives for a mistyped one.
 * The new credentials last DurationSeconds (default 3600) and sign GetCallerIdentity as
 * arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION.
 */

const ROLE_ARN_RE = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/;
const PRINTABLE = /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]+$/u;
const DEFAULT_DURATION_S = 3600;
const CHAINED_MAX_S = 3600;

/** The ARN a caller's credentials act as (what GetCallerIdentity answers and AccessDenied names). */
export function callerArn(creds: RoleCredentials, user: string): string {
  if (creds.assumedSessionName !== undefined) return `arn:aws:sts::${creds.accountId}:assumed-role/${creds.roleName}/${creds.assumedSessionName}`;
  return `arn:aws:sts::${creds.accountId}:assumed-role/AWSReservedSSO_${creds.roleName}_${roleSuffix(creds.accountId, creds.roleName)}/${user}`;
}

/** The UserId GetCallerIdentity answers: the role's id and the session name. */
export function callerUserId(creds: RoleCredentials, user: string): string {
  return `${roleId(creds.accountId, creds.roleName)}:${creds.assumedSessionName ?? user}`;
}

function constraint(violations: string[], value: string | null, member: string, rule: string): void {
  violations.push(`Value ${value === null ? 'null' : `'${value}'`} at '${member}' failed to satisfy constraint: Member must ${rule}`);
}

function checkString(v: string[], value: string | null, member: string, min: number, max: number, pattern: RegExp, patternText: string, required: boolean): void {
  if (value === null) {
    if (required) constraint(v, null, member, 'not be null');
    return;
  }
  if (!pattern.test(value)) constraint(v, value, member, `satisfy regular expression pattern: ${patternText}`);
  if (value.length < min) constraint(v, value, member, `have length greater than or equal to ${min}`);
  if (value.length > max) constraint(v, value, member, `have length less than or equal to ${max}`);
}

export function assumeRole(state: EmulatorState, caller: RoleCredentials, params: URLSearchParams, requestId: string): string {
  const roleArn = params.get('RoleArn');
  const sessionName = params.get('RoleSessionName');
  const externalId = params.get('ExternalId');
  const rawDuration = params.get('DurationSeconds');

  const v: string[] = [];
  checkString(v, roleArn, 'roleArn', 20, 2048, PRINTABLE, '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+', true);
  checkString(v, sessionName, 'roleSessionName', 2, 64, /^[\w+=,.@-]*$/, '[\\w+=,.@-]*', true);
  checkString(v, externalId, 'externalId', 2, 1224, /^[\w+=,.@:/-]*$/, '[\\w+=,.@:\\/-]*', false);
  let duration = DEFAULT_DURATION_S;
  if (rawDuration !== null) {
    duration = /^-?\d+$/.test(rawDuration) ? Number(rawDuration) : NaN;
    if (Number.isNaN(duration)) throw stsError('ValidationError', `Value '${rawDuration}' for parameter DurationSeconds is invalid. It must be an integer.`);
    if (duration < 900) constraint(v, rawDuration, 'durationSeconds', 'have value greater than or equal to 900');
    if (duration > 43200) constraint(v, rawDuration, 'durationSeconds', 'have value less than or equal to 43200');
  }
  if (v.length) throw stsError('ValidationError', `${v.length} validation error${v.length > 1 ? 's' : ''} detected: ${v.join('; ')}`);
  if (duration > CHAINED_MAX_S) {
    throw stsError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }

  const arn = roleArn!;
  const m = ROLE_ARN_RE.exec(arn);
  const accountId = m?.[1];
  const roleName = m?.[2];
  if (!accountId || !roleName || state.iam.decide(state.org, accountId, roleName, externalId ?? undefined) === 'deny') {
    throw stsError('AccessDenied', `User: ${callerArn(caller, state.config.user)} is not authorized to perform: sts:AssumeRole on resource: ${arn}`);
  }
  // The role's own spelling (IAM matches names without case; ARNs show the stored name).
  const stored = state.iam.find(state.org, accountId, roleName)!.roleName;
  const creds: RoleCredentials = {
    accessKeyId: ids.accessKeyId(),
    secretAccessKey: ids.secretAccessKey(),
    sessionToken: ids.sessionToken(),
    accountId,
    roleName: stored,
    expiresAt: state.now() + duration * 1000,
    assumedSessionName: sessionName!,
    // Every caller here holds role-session credentials, so every AssumeRole is role chaining.
    chained: true,
  };
  state.credentials.set(creds.accessKeyId, creds);
  state.remember(creds.secretAccessKey, creds.sessionToken);
  // Whole seconds, as AWS writes it.
  const expiration = new Date(Math.floor(creds.expiresAt / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return (
    '<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n' +
    '  <AssumeRoleResult>\n' +
    '    <AssumedRoleUser>\n' +
    `      <AssumedRoleId>${roleId(accountId, stored)}:${xmlEscape(creds.assumedSessionName!)}</AssumedRoleId>\n` +
    `      <Arn>${xmlEscape(callerArn(creds, state.config.user))}</Arn>\n` +
    '    </AssumedRoleUser>\n' +
    '    <Credentials>\n' +
    `      <AccessKeyId>${creds.accessKeyId}</AccessKeyId>\n` +
    `      <SecretAccessKey>${xmlEscape(creds.secretAccessKey)}</SecretAccessKey>\n` +
    `      <SessionToken>${xmlEscape(creds.sessionToken)}</SessionToken>\n` +
    `      <Expiration>${expiration}</Expiration>\n` +
    '    </Credentials>\n' +
    '  </AssumeRoleResult>\n' +
    '  <ResponseMetadata>\n' +
    `    <RequestId>${requestId}</RequestId>\n` +
    '  </ResponseMetadata>\n' +
    '</AssumeRoleResponse>\n'
  );
}
