// The real @aws-sdk clients against the emulator: every operation, every modelled error, and the
// field types and units the SDKs parse. If the emulator and the SDK disagree, the emulator is wrong.
import t from 'tap';
import {
  AccessDeniedException,
  AuthorizationPendingException,
  CreateTokenCommand,
  ExpiredTokenException,
  InternalServerException,
  InvalidClientException,
  InvalidClientMetadataException,
  InvalidGrantException,
  InvalidRedirectUriException,
  InvalidRequestException as OidcInvalidRequestException,
  InvalidScopeException,
  RegisterClientCommand,
  SlowDownException,
  SSOOIDCClient,
  SSOOIDCServiceException,
  StartDeviceAuthorizationCommand,
  UnauthorizedClientException,
  UnsupportedGrantTypeException,
} from '@aws-sdk/client-sso-oidc';
import {
  GetRoleCredentialsCommand,
  InvalidRequestException as PortalInvalidRequestException,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  type RoleCredentials,
  paginateListAccountRoles,
  paginateListAccounts,
  ResourceNotFoundException,
  SSOClient,
  SSOServiceException,
  TooManyRequestsException,
  UnauthorizedException,
} from '@aws-sdk/client-sso';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { emulatorControl } from '../support/emulator-control.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

let clock = Date.now();
const em: RunningEmulator = await startEmulator({ accounts: 5, rolesPerAccount: 3, now: () => clock });
t.teardown(() => em.close());

const oidc = new SSOOIDCClient({ region: em.region, endpoint: em.url, maxAttempts: 1 });
const sso = new SSOClient({ region: em.region, endpoint: em.url, maxAttempts: 1 });
t.teardown(() => {
  oidc.destroy();
  sso.destroy();
});

const control = emulatorControl(em.url);

async function rejects<T>(p: Promise<unknown>, cls: abstract new (...args: any[]) => T): Promise<T> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof cls)) throw new Error(`expected ${cls.name}, got ${(err as Error).name}: ${(err as Error).message}`);
    return err;
  }
  throw new Error(`expected ${cls.name}, but the call succeeded`);
}

interface Creds { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

/** The SDK's role credentials as an STS client takes them. */
function stsCreds(c: RoleCredentials | undefined): Required<Creds> {
  return { accessKeyId: c!.accessKeyId!, secretAccessKey: c!.secretAccessKey!, sessionToken: c!.sessionToken! };
}

/** GetCallerIdentity signed by the real SDK signer with these credentials, one client per call. */
async function callerIdentity(creds: Creds) {
  const sts = new STSClient({ region: em.region, endpoint: em.url, maxAttempts: 1, credentials: creds });
  try {
    return await sts.send(new GetCallerIdentityCommand({}));
  } finally {
    sts.destroy();
  }
}

async function register(scopes?: string[]) {
  return oidc.send(new RegisterClientCommand({ clientName: 'sdk-test', clientType: 'public', ...(scopes ? { scopes } : {}) }));
}

async function deviceLogin(scopes?: string[]) {
  const reg = await register(scopes);
  const dev = await oidc.send(
    new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: em.startUrl }),
  );
  await control('approve', { userCode: dev.userCode });
  const tok = await oidc.send(
    new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT, deviceCode: dev.deviceCode }),
  );
  return { reg, dev, tok };
}

t.test('RegisterClient: epoch-second timestamps and endpoints', async (t) => {
  const reg = await register(['sso:account:access']);
  t.type(reg.clientId, 'string');
  t.type(reg.clientSecret, 'string');
  t.type(reg.clientIdIssuedAt, 'number');
  t.ok(Math.abs(reg.clientIdIssuedAt! - clock / 1000) < 5, 'clientIdIssuedAt is epoch seconds');
  t.ok(reg.clientSecretExpiresAt! > reg.clientIdIssuedAt! + 80 * 86400, 'registration lasts about 90 days, in seconds');
  t.ok(reg.clientSecretExpiresAt! < 1e11, 'clientSecretExpiresAt is not milliseconds');
  t.equal(reg.authorizationEndpoint, `${em.url}/authorize`);
});

t.test('RegisterClient errors', async (t) => {
  const meta = await rejects(
    oidc.send(new RegisterClientCommand({ clientName: 'x', clientType: 'confidential' })),
    InvalidClientMetadataException,
  );
  t.equal(meta.$metadata.httpStatusCode, 400);
  t.equal(meta.error, 'invalid_client_metadata');
  t.type(meta.error_description, 'string');
  await rejects(oidc.send(new RegisterClientCommand({ clientName: 'x', clientType: 'public', scopes: ['bad scope'] })), InvalidScopeException);
  await rejects(
    oidc.send(
      new RegisterClientCommand({
        clientName: 'x',
        clientType: 'public',
        grantTypes: ['authorization_code'],
        redirectUris: ['http://example.com/callback'],
      }),
    ),
    InvalidRedirectUriException,
  );
  await rejects(
    oidc.send(new RegisterClientCommand({ clientName: 'x', clientType: 'public', grantTypes: ['password'] })),
    UnsupportedGrantTypeException,
  );
  await rejects(oidc.send(new RegisterClientCommand({ clientName: '', clientType: 'public' })), OidcInvalidRequestException);
});

t.test('device flow: pending, slow down, approve, token without refresh for a legacy client', async (t) => {
  const reg = await register();
  const dev = await oidc.send(
    new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: em.startUrl }),
  );
  t.match(dev.userCode, /^[A-Z]{4}-[A-Z]{4}$/);
  t.equal(dev.expiresIn, 600);
  t.equal(dev.interval, 1);
  t.equal(dev.verificationUri, `${em.url}/device`);
  t.equal(dev.verificationUriComplete, `${em.url}/device?user_code=${dev.userCode}`);
  const poll = () =>
    oidc.send(new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT, deviceCode: dev.deviceCode }));
  const pending = await rejects(poll(), AuthorizationPendingException);
  t.equal(pending.$metadata.httpStatusCode, 400);
  t.equal(pending.error, 'authorization_pending');
  await rejects(poll(), SlowDownException);
  clock += 1000;
  await rejects(poll(), AuthorizationPendingException);

  const page = await fetch(dev.verificationUriComplete!);
  t.match(await page.text(), dev.userCode!, 'the verification page shows the code');
  const approve = await fetch(`${em.url}/device`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_code: dev.userCode!, decision: 'allow' }).toString(),
  });
  t.equal(approve.status, 200, 'Allow on the page approves');
  const tok = await poll();
  t.type(tok.accessToken, 'string');
  t.equal(tok.tokenType, 'Bearer');
  t.equal(tok.expiresIn, 8 * 3600, 'legacy clients get 8 h tokens, in seconds');
  t.equal(tok.refreshToken, undefined, 'no refresh token without sso:account:access');
  await rejects(poll(), InvalidGrantException);
});

t.test('device flow: denial, expiry, wrong client, bad input', async (t) => {
  const reg = await register();
  const start = () =>
    oidc.send(new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: em.startUrl }));
  const poll = (deviceCode: string) =>
    oidc.send(new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT, deviceCode }));

  const denied = await start();
  t.same(await control('deny', { userCode: denied.userCode }), { ok: true });
  const ad = await rejects(poll(denied.deviceCode!), AccessDeniedException);
  t.equal(ad.$metadata.httpStatusCode, 400, 'AccessDeniedException is 400 in OIDC');

  const late = await start();
  clock += 601_000;
  await rejects(poll(late.deviceCode!), ExpiredTokenException);

  const bad = await rejects(
    oidc.send(new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: 'wrong', startUrl: em.startUrl })),
    InvalidClientException,
  );
  t.equal(bad.$metadata.httpStatusCode, 401);
  t.equal(bad.$fault, 'client');
  await rejects(
    oidc.send(new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: 'https://d-0000000000.awsapps.com/start' })),
    OidcInvalidRequestException,
  );
  await rejects(
    oidc.send(new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'password' })),
    UnsupportedGrantTypeException,
  );
  await rejects(
    oidc.send(new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT })),
    OidcInvalidRequestException,
  );
  await rejects(poll('not-a-device-code'), InvalidGrantException);

  // A client registered only for PKCE may not use the device flow.
  const pkceOnly = await oidc.send(
    new RegisterClientCommand({
      clientName: 'pkce',
      clientType: 'public',
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['http://127.0.0.1/oauth/callback'],
      scopes: ['sso:account:access'],
    }),
  );
  await rejects(
    oidc.send(new StartDeviceAuthorizationCommand({ clientId: pkceOnly.clientId, clientSecret: pkceOnly.clientSecret, startUrl: em.startUrl })),
    UnauthorizedClientException,
  );
});

t.test('refresh tokens: issued for sso:account:access, rotate on use', async (t) => {
  const { reg, tok } = await deviceLogin(['sso:account:access']);
  t.equal(tok.expiresIn, 3600, 'scoped clients get 1 h tokens');
  t.type(tok.refreshToken, 'string');
  const refresh = (refreshToken: string) =>
    oidc.send(new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'refresh_token', refreshToken }));
  const next = await refresh(tok.refreshToken!);
  t.not(next.accessToken, tok.accessToken);
  t.type(next.refreshToken, 'string');
  t.not(next.refreshToken, tok.refreshToken, 'the refresh token rotates');
  const reused = await rejects(refresh(tok.refreshToken!), InvalidGrantException);
  t.equal(reused.error, 'invalid_grant');
  const again = await refresh(next.refreshToken!);
  t.type(again.accessToken, 'string');
  await control('expire', { what: 'refreshTokens' });
  await rejects(refresh(again.refreshToken!), InvalidGrantException);
});

t.test('expired registration: InvalidClientException 401', async (t) => {
  const { reg, tok } = await deviceLogin(['sso:account:access']);
  await control('expire', { what: 'registrations' });
  const e = await rejects(
    oidc.send(new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'refresh_token', refreshToken: tok.refreshToken })),
    InvalidClientException,
  );
  t.equal(e.$metadata.httpStatusCode, 401);
});

t.test('OIDC server errors: InternalServerException 500', async (t) => {
  await control('faults', { failNext: { RegisterClient: { count: 1, status: 500 } } });
  const e = await rejects(register(), InternalServerException);
  t.equal(e.$metadata.httpStatusCode, 500);
  t.equal(e.$fault, 'server');
  t.type((await register()).clientId, 'string', 'only the next call failed');
});

t.test('portal: pagination, credentials, typed fields', async (t) => {
  const { tok } = await deviceLogin();
  const accessToken = tok.accessToken!;
  const org = await control('org');
  const accounts: { accountId?: string; accountName?: string; emailAddress?: string }[] = [];
  let pages = 0;
  for await (const page of paginateListAccounts({ client: sso, pageSize: 2 }, { accessToken })) {
    pages++;
    t.ok(page.accountList!.length <= 2);
    accounts.push(...page.accountList!);
  }
  t.equal(pages, 3, '5 accounts in pages of 2');
  t.same(
    accounts.map((a) => a.accountId),
    org.accounts.map((a: { accountId: string }) => a.accountId),
  );
  for (const a of accounts) {
    t.match(a.accountId, /^\d{12}$/);
    t.type(a.accountName, 'string');
    t.match(a.emailAddress, /@/);
  }
  t.ok(accounts.some((a) => a.accountId!.startsWith('0')), 'an account id with a leading zero stays a string');
  t.ok(accounts.some((a) => /[ ()&]/.test(a.accountName!)), 'account names carry spaces and punctuation');

  const roles: { roleName?: string; accountId?: string }[] = [];
  for await (const page of paginateListAccountRoles({ client: sso, pageSize: 1 }, { accessToken, accountId: accounts[1]!.accountId })) {
    roles.push(...page.roleList!);
  }
  t.same(
    roles.map((r) => r.roleName),
    org.accounts[1].roles,
  );
  t.ok(roles.every((r) => r.accountId === accounts[1]!.accountId));

  const roleName = roles.find((r) => /[+=,.@]/.test(r.roleName!))?.roleName ?? roles[0]!.roleName!;
  const { roleCredentials: c } = await sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: accounts[1]!.accountId, roleName }));
  t.match(c!.accessKeyId, /^ASIA[A-Z0-9]{16}$/);
  t.equal(c!.secretAccessKey!.length, 40);
  t.type(c!.sessionToken, 'string');
  t.type(c!.expiration, 'number');
  t.equal(c!.expiration, clock + 3600_000, 'expiration is epoch milliseconds');

  // Credentials that work against STS, signed by the real SDK signer, with a role-name carrying IAM punctuation.
  const id = await callerIdentity(stsCreds(c));
  t.equal(id.Account, accounts[1]!.accountId);
  t.match(id.Arn, new RegExp(`^arn:aws:sts::${accounts[1]!.accountId}:assumed-role/AWSReservedSSO_${roleName.replace(/[+.]/g, '\\$&')}_[0-9a-f]{16}/.+$`));
  t.match(id.UserId, /^AROA[A-Z0-9]{17}:/);
});

t.test('portal errors', async (t) => {
  const { tok } = await deviceLogin();
  const accessToken = tok.accessToken!;
  const un = await rejects(sso.send(new ListAccountsCommand({ accessToken: 'nope' })), UnauthorizedException);
  t.equal(un.$metadata.httpStatusCode, 401);
  t.type(un.message, 'string');
  const org = await control('org');
  const acct = org.accounts[0].accountId as string;
  await rejects(sso.send(new ListAccountRolesCommand({ accessToken, accountId: '999999999999' })), ResourceNotFoundException);
  await rejects(sso.send(new ListAccountsCommand({ accessToken, maxResults: 0 })), PortalInvalidRequestException);
  await rejects(sso.send(new ListAccountsCommand({ accessToken, nextToken: 'garbage' })), PortalInvalidRequestException);

  const forbidden = await rejects(sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: acct, roleName: 'NotAssigned' })), SSOServiceException);
  t.equal(forbidden.name, 'ForbiddenException', 'unmodelled, surfaced by name');
  t.equal(forbidden.message, 'No access');
  t.equal(forbidden.$metadata.httpStatusCode, 403);

  await control('faults', { failNext: { ListAccountRoles: { count: 1, status: 429 } } });
  const throttled = await rejects(sso.send(new ListAccountRolesCommand({ accessToken, accountId: acct })), TooManyRequestsException);
  t.equal(throttled.$metadata.httpStatusCode, 429);

  await control('expire', { what: 'accessTokens' });
  await rejects(sso.send(new ListAccountsCommand({ accessToken })), UnauthorizedException);
});

t.test('Logout ends the token; issued role credentials keep working', async (t) => {
  const { tok } = await deviceLogin();
  const accessToken = tok.accessToken!;
  const org = await control('org');
  const a = org.accounts[0];
  const { roleCredentials: c } = await sso.send(new GetRoleCredentialsCommand({ accessToken, accountId: a.accountId, roleName: a.roles[0] }));
  const out = await sso.send(new LogoutCommand({ accessToken }));
  t.equal(out.$metadata.httpStatusCode, 200);
  await rejects(sso.send(new ListAccountsCommand({ accessToken })), UnauthorizedException);
  await rejects(sso.send(new LogoutCommand({ accessToken })), UnauthorizedException);
  t.equal((await callerIdentity(stsCreds(c))).Account, a.accountId);
});

t.test('STS: unknown key, bad signature, wrong token, expired credentials', async (t) => {
  const { tok } = await deviceLogin();
  const org = await control('org');
  const a = org.accounts[2];
  const { roleCredentials: c } = await sso.send(new GetRoleCredentialsCommand({ accessToken: tok.accessToken, accountId: a.accountId, roleName: a.roles[1] }));
  const good = stsCreds(c);
  const expectCode = async (creds: typeof good, code: string, status: number) => {
    try {
      await callerIdentity(creds);
      t.fail(`expected ${code}`);
    } catch (err: any) {
      t.equal(err.name, code);
      t.equal(err.$metadata?.httpStatusCode, status);
    }
  };
  await expectCode({ ...good, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' }, 'InvalidClientTokenId', 403);
  await expectCode({ ...good, secretAccessKey: good.secretAccessKey.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A')) }, 'SignatureDoesNotMatch', 403);
  await expectCode({ ...good, sessionToken: good.sessionToken + 'x' }, 'InvalidClientTokenId', 403);
  t.equal((await callerIdentity(good)).Account, a.accountId);
  await control('expire', { what: 'credentials' });
  await expectCode(good, 'ExpiredToken', 400);
});

t.test('stats count AWS operations by name', async (t) => {
  await control('stats/reset', {});
  await deviceLogin();
  const stats = await control('stats');
  t.same(stats, { calls: { RegisterClient: 1, StartDeviceAuthorization: 1, CreateToken: 1 } });
});

t.test('every issued secret is listed for leak tests', async (t) => {
  const { reg, dev, tok } = await deviceLogin();
  const { secrets } = await control('secrets');
  t.ok(secrets.includes(reg.clientSecret));
  t.ok(secrets.includes(dev.deviceCode));
  t.ok(secrets.includes(tok.accessToken));
  t.notOk(secrets.includes(reg.clientId), 'client ids are not secrets');
  t.ok(SSOOIDCServiceException, 'base class exported');
});
