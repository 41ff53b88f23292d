// STS AssumeRole in the emulator, driven by @aws-sdk/client-sts (a client nobody here wrote): the
// credentials it issues sign GetCallerIdentity as the assumed role, chain further, and every
// refusal is the error class, code and status the SDK expects from AWS.
import t from 'tap';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { GetRoleCredentialsCommand, SSOClient } from '@aws-sdk/client-sso';
import { startEmulator } from '../../src/emulator/index.js';
import { emulatorControl } from '../support/emulator-control.js';

const em = await startEmulator({ accounts: 3, rolesPerAccount: 2, region: 'eu-west-1' });
t.teardown(() => em.close());
const oidc = new SSOOIDCClient({ region: em.region, endpoint: em.url, maxAttempts: 1 });
const sso = new SSOClient({ region: em.region, endpoint: em.url, maxAttempts: 1 });
t.teardown(() => { oidc.destroy(); sso.destroy(); });

const control = emulatorControl(em.url);

interface Creds { accessKeyId: string; secretAccessKey: string; sessionToken: string }

const org = (await control('org')).accounts as Array<{ accountId: string; roles: string[] }>;
const [hub, spoke, other] = org as [typeof org[0], typeof org[0], typeof org[0]];

/** Portal role credentials for the hub account's first role, through a device login. */
async function portalCreds(): Promise<Creds> {
  const reg = await oidc.send(new RegisterClientCommand({ clientName: 'assume-role-test', clientType: 'public' }));
  const dev = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: em.startUrl }));
  await control('approve', { userCode: dev.userCode });
  const tok = await oidc.send(new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: dev.deviceCode }));
  const { roleCredentials: c } = await sso.send(new GetRoleCredentialsCommand({ accessToken: tok.accessToken, accountId: hub.accountId, roleName: hub.roles[0] }));
  return { accessKeyId: c!.accessKeyId!, secretAccessKey: c!.secretAccessKey!, sessionToken: c!.sessionToken! };
}

function sts(creds: Creds): STSClient {
  const c = new STSClient({ region: em.region, endpoint: em.url, maxAttempts: 1, credentials: creds });
  t.teardown(() => c.destroy());
  return c;
}

async function refused(p: Promise<unknown>): Promise<STSServiceException> {
  try {
    await p;
  } catch (err) {
    if (err instanceof STSServiceException) return err;
    throw err;
  }
  throw new Error('the call succeeded');
}

const source = await portalCreds();

t.test('AssumeRole from portal credentials, then from its own: ARNs, expiry, identity', async (t) => {
  const before = Date.now();
  const out = await sts(source).send(new AssumeRoleCommand({
    RoleArn: `arn:aws:iam::${spoke.accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'deploy@ci', DurationSeconds: 900,
  }));
  t.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${spoke.accountId}:assumed-role/OrganizationAccountAccessRole/deploy@ci`);
  t.match(out.AssumedRoleUser?.AssumedRoleId, /^AROA[A-Z2-7]{17}:deploy@ci$/);
  t.match(out.Credentials?.AccessKeyId, /^ASIA[A-Z2-7]{16}$/);
  t.ok(out.Credentials?.Expiration instanceof Date, 'the SDK parsed Expiration as a date');
  const lifetime = out.Credentials!.Expiration!.getTime() - before;
  t.ok(lifetime > 895_000 && lifetime <= 901_000, `DurationSeconds 900 gives 15 minutes (${lifetime} ms)`);

  const assumed: Creds = { accessKeyId: out.Credentials!.AccessKeyId!, secretAccessKey: out.Credentials!.SecretAccessKey!, sessionToken: out.Credentials!.SessionToken! };
  const id = await sts(assumed).send(new GetCallerIdentityCommand({}));
  t.equal(id.Arn, `arn:aws:sts::${spoke.accountId}:assumed-role/OrganizationAccountAccessRole/deploy@ci`);
  t.equal(id.Account, spoke.accountId);
  t.equal(id.UserId, out.AssumedRoleUser?.AssumedRoleId);

  // A role added through the control route, with a path in its ARN (dropped in the assumed-role ARN), assumed from the assumed role.
  await control('roles', { add: [{ accountId: other.accountId, roleName: 'Deployer' }] });
  const again = await sts(assumed).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${other.accountId}:role/team/Deployer`, RoleSessionName: 'hop2' }));
  t.equal(again.AssumedRoleUser?.Arn, `arn:aws:sts::${other.accountId}:assumed-role/Deployer/hop2`);
  const lasting = again.Credentials!.Expiration!.getTime() - Date.now();
  t.ok(lasting > 3500_000 && lasting <= 3600_000, 'the default is one hour');
  t.equal((await sts({ accessKeyId: again.Credentials!.AccessKeyId!, secretAccessKey: again.Credentials!.SecretAccessKey!, sessionToken: again.Credentials!.SessionToken! })
    .send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${other.accountId}:assumed-role/Deployer/hop2`);
  const stats = await control('stats');
  t.ok(stats.calls.AssumeRole >= 2, 'counted under the AWS operation name');
});

t.test('AccessDenied (403) for a missing role, an account outside the organisation, a denied trust, a wrong external id, a mistyped ARN', async (t) => {
  const client = sts(source);
  const callerArn = (await client.send(new GetCallerIdentityCommand({}))).Arn!;
  await control('roles', { add: [{ accountId: spoke.accountId, roleName: 'Locked', deny: true }, { accountId: spoke.accountId, roleName: 'Vendor', externalId: 'xid-1234' }] });
  for (const arn of [
    `arn:aws:iam::${spoke.accountId}:role/NoSuchRole`,
    'arn:aws:iam::999999999999:role/OrganizationAccountAccessRole',
    `arn:aws:iam::${spoke.accountId}:role/Locked`,
    `arn:aws:iam::${spoke.accountId}:role/Vendor`,
    `arn:aws:iam:${spoke.accountId}:role/OrganizationAccountAccessRole`,
  ]) {
    const err = await refused(client.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 's1' })));
    t.equal(err.name, 'AccessDenied', arn);
    t.equal(err.$metadata.httpStatusCode, 403);
    t.equal(err.message, `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${arn}`);
  }
  const ok = await client.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${spoke.accountId}:role/Vendor`, RoleSessionName: 's1', ExternalId: 'xid-1234' }));
  t.ok(ok.Credentials?.AccessKeyId, 'with the external id the trust policy asks for');
});

t.test('ValidationError (400) in the model\'s words; role chaining caps DurationSeconds at one hour', async (t) => {
  const client = sts(source);
  const arn = `arn:aws:iam::${spoke.accountId}:role/OrganizationAccountAccessRole`;
  const cases: Array<[Partial<{ RoleArn: string; RoleSessionName: string; DurationSeconds: number; ExternalId: string }>, string]> = [
    [{ RoleArn: 'bogus' }, "1 validation error detected: Value 'bogus' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"],
    [{ RoleSessionName: 'has space' }, "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"],
    [{ DurationSeconds: 60, ExternalId: 'x' }, "2 validation errors detected: Value 'x' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2; Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"],
    [{ DurationSeconds: 7200 }, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.'],
  ];
  for (const [patch, message] of cases) {
    const err = await refused(client.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'valid', ...patch })));
    t.equal(err.name, 'ValidationError');
    t.equal(err.$metadata.httpStatusCode, 400);
    t.equal(err.message, message);
  }
});

t.test('ExpiredToken (400), InvalidClientTokenId and SignatureDoesNotMatch (403) for the caller', async (t) => {
  const arn = `arn:aws:iam::${spoke.accountId}:role/OrganizationAccountAccessRole`;
  const unknown = await refused(sts({ ...source, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' }).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'x1' })));
  t.equal(unknown.name, 'InvalidClientTokenId');
  t.equal(unknown.$metadata.httpStatusCode, 403);
  const forged = await refused(sts({ ...source, secretAccessKey: source.secretAccessKey.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A')) }).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'x1' })));
  t.equal(forged.name, 'SignatureDoesNotMatch', 'the signature is checked against the secret the emulator issued');
  t.equal(forged.$metadata.httpStatusCode, 403);
  const assumed = await sts(source).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'x2' }));
  await control('expire', { what: 'credentials' });
  for (const creds of [source, { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! }]) {
    const err = await refused(sts(creds).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'x3' })));
    t.equal(err.name, 'ExpiredToken');
    t.equal(err.$metadata.httpStatusCode, 400);
    t.equal(err.message, 'The security token included in the request is expired');
  }
});
