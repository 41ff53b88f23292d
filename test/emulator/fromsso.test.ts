// The JS SDK's own SSO credential chain (fromSSO + the SSO token provider) against the emulator,
// the way `aws sso login` leaves things: a cached token about to expire, so the SDK refreshes it
// with CreateToken(refresh_token), then calls GetRoleCredentials; the credentials then pass STS.
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { fromSSO } from '@aws-sdk/credential-providers';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startEmulator } from '../../src/emulator/index.js';
import { tempDir } from '../support/temp-dirs.js';

const em = await startEmulator({ accounts: 2, rolesPerAccount: 2 });
t.teardown(() => em.close());

const home = tempDir(join(tmpdir(), 'emu-fromsso-'));
const saved = { ...process.env };
for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
Object.assign(process.env, {
  HOME: home,
  AWS_CONFIG_FILE: join(home, 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
  AWS_ENDPOINT_URL_SSO_OIDC: em.url,
  AWS_ENDPOINT_URL_SSO: em.url,
});
t.teardown(() => {
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, saved);
});

t.test('fromSSO refreshes a nearly expired cached token and gets working credentials', async (t) => {
  // The config file goes first: the SDK caches what it parsed at the first client it builds.
  const org = (await (await fetch(`${em.url}/_emulator/org`)).json()) as { accounts: { accountId: string; roles: string[] }[] };
  const acct = org.accounts[1]!;
  const roleName = acct.roles[1]!;
  writeFileSync(
    join(home, 'config'),
    `[profile emu]\nsso_session = emu\nsso_account_id = ${acct.accountId}\nsso_role_name = ${roleName}\nregion = ${em.region}\n\n` +
      `[sso-session emu]\nsso_start_url = ${em.startUrl}\nsso_region = ${em.region}\nsso_registration_scopes = sso:account:access\n`,
  );
  writeFileSync(join(home, 'credentials'), '');
  const oidc = new SSOOIDCClient({ region: em.region, endpoint: em.url, maxAttempts: 1 });
  t.teardown(() => oidc.destroy());
  const reg = await oidc.send(new RegisterClientCommand({ clientName: 'js', clientType: 'public', scopes: ['sso:account:access'] }));
  const dev = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: em.startUrl }));
  await fetch(`${em.url}/_emulator/approve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userCode: dev.userCode }) });
  const tok = await oidc.send(
    new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: dev.deviceCode }),
  );
  const cacheDir = join(home, '.aws', 'sso', 'cache');
  mkdirSync(cacheDir, { recursive: true });
  const cacheFile = join(cacheDir, createHash('sha1').update('emu').digest('hex') + '.json');
  writeFileSync(
    cacheFile,
    JSON.stringify({
      startUrl: em.startUrl,
      region: em.region,
      accessToken: tok.accessToken,
      expiresAt: new Date(Date.now() + 60_000).toISOString(), // inside the SDK's 5-minute refresh window
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      registrationExpiresAt: new Date(reg.clientSecretExpiresAt! * 1000).toISOString(),
      refreshToken: tok.refreshToken,
    }),
  );

  const creds = await fromSSO({ profile: 'emu', ignoreCache: true })();
  t.match(creds.accessKeyId, /^ASIA/);
  t.ok(creds.expiration instanceof Date, 'expiration parsed as a Date');
  t.ok(Math.abs(creds.expiration!.getTime() - (Date.now() + 3600_000)) < 60_000, 'one hour out: epoch ms read correctly');
  const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { accessToken: string; refreshToken?: string };
  t.not(cached.accessToken, tok.accessToken, 'the SDK refreshed the token');
  t.ok(cached.refreshToken && cached.refreshToken !== tok.refreshToken, 'and kept the rotated refresh token');
  const stats = (await (await fetch(`${em.url}/_emulator/stats`)).json()) as { calls: Record<string, number> };
  t.equal(stats.calls.CreateToken, 2, 'device token + one refresh');
  t.equal(stats.calls.GetRoleCredentials, 1);

  const sts = new STSClient({ region: em.region, endpoint: em.url, maxAttempts: 1, credentials: creds });
  t.teardown(() => sts.destroy());
  const id = await sts.send(new GetCallerIdentityCommand({}));
  t.ok(id.Arn?.startsWith(`arn:aws:sts::${acct.accountId}:assumed-role/AWSReservedSSO_${roleName}_`), String(id.Arn));
});
