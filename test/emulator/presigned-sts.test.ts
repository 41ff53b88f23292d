/**
 * The emulator's STS answers presigned GetCallerIdentity GETs, and its TokenReview stand-in checks
 * EKS tokens. The tokens come from clients nobody here wrote: `aws eks get-token` (the AWS CLI v1)
 * and botocore's generate_presigned_url, signed with credentials the emulator issued. The
 * emulator's clock is moved to test STS's 15-minute window.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTokenCommand, RegisterClientCommand, SSOOIDCClient, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { GetRoleCredentialsCommand, SSOClient } from '@aws-sdk/client-sso';
import { startEmulator } from '../../src/emulator/index.js';
import { needs } from '../support/needs.js';

let skewMs = 0;
const em = await startEmulator({ accounts: 1, rolesPerAccount: 1, region: 'eu-west-1', autoApprove: true, now: () => Date.now() + skewMs });
t.teardown(() => em.close());
const home = mkdtempSync(join(tmpdir(), 'sso-agent-presigned-'));
t.teardown(() => rmSync(home, { recursive: true, force: true }));

interface Creds { accessKeyId: string; secretAccessKey: string; sessionToken: string }

async function portalCreds(): Promise<Creds> {
  const oidc = new SSOOIDCClient({ region: em.region, endpoint: em.url, maxAttempts: 1 });
  const sso = new SSOClient({ region: em.region, endpoint: em.url, maxAttempts: 1 });
  t.teardown(() => { oidc.destroy(); sso.destroy(); });
  const org = (await (await fetch(`${em.url}/_emulator/org`)).json()) as { accounts: Array<{ accountId: string; roles: string[] }> };
  const account = org.accounts[0]!;
  const reg = await oidc.send(new RegisterClientCommand({ clientName: 'presigned-test', clientType: 'public' }));
  const dev = await oidc.send(new StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: em.startUrl }));
  const tok = await oidc.send(new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: dev.deviceCode }));
  const { roleCredentials: c } = await sso.send(new GetRoleCredentialsCommand({ accessToken: tok.accessToken, accountId: account.accountId, roleName: account.roles[0] }));
  return { accessKeyId: c!.accessKeyId!, secretAccessKey: c!.secretAccessKey!, sessionToken: c!.sessionToken! };
}

const creds = await portalCreds();
const clientEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
  AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_SESSION_TOKEN: creds.sessionToken,
  AWS_DEFAULT_REGION: em.region, AWS_ENDPOINT_URL_STS: em.url,
};

/** `aws eks get-token` pointed at the emulator: the token, and the URL inside it. */
function awsToken(cluster: string): { token: string; url: string } {
  const r = spawnSync('aws', ['eks', 'get-token', '--cluster-name', cluster], { env: clientEnv, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`aws eks get-token failed: ${r.stderr}`);
  const token = (JSON.parse(r.stdout) as { status: { token: string } }).status.token;
  return { token, url: Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8') };
}

const get = async (url: string, cluster?: string) => {
  const res = await fetch(url, { headers: cluster === undefined ? {} : { 'x-k8s-aws-id': cluster } });
  return { status: res.status, body: await res.text() };
};
const review = async (token: string, clusterId: string) => {
  const res = await fetch(`${em.url}/_emulator/eks/token-review?clusterId=${encodeURIComponent(clusterId)}`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }),
  });
  return { status: res.status, body: (await res.json()) as { status: { authenticated: boolean; error?: string; user?: { username: string } } } };
};
const code = (xml: string) => /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];
const message = (xml: string) => /<Message>([^<]+)<\/Message>/.exec(xml)?.[1] ?? '';

t.test('a token from aws eks get-token', { skip: needs('aws') }, async (t) => {
  skewMs = 0;
  const { token, url } = awsToken('demo');
  const before = ((await (await fetch(`${em.url}/_emulator/stats`)).json()) as { calls: Record<string, number> }).calls.GetCallerIdentity ?? 0;

  const ok = await get(url, 'demo');
  t.equal(ok.status, 200, ok.body);
  t.match(ok.body, /<Arn>arn:aws:sts::\d{12}:assumed-role\/AWSReservedSSO_[^<]+<\/Arn>/);
  t.equal(code((await get(url, 'other')).body), 'SignatureDoesNotMatch', 'signed for another cluster');
  t.equal((await get(url)).status, 403, 'the signed cluster header left out');

  const good = await review(token, 'demo');
  t.equal(good.status, 200);
  t.equal(good.body.status.authenticated, true);
  t.match(good.body.status.user?.username, /^arn:aws:sts::\d{12}:assumed-role\//);
  const wrong = await review(token, 'other');
  t.equal(wrong.status, 401);
  t.match(wrong.body.status.error, /SignatureDoesNotMatch/);
  t.notMatch(JSON.stringify(wrong.body), token.slice(20), 'the token is not echoed');
  for (const bad of ['k8s-aws-v2.abc', 'k8s-aws-v1.!!!', `k8s-aws-v1.${Buffer.from('https://sts.amazonaws.com/?Action=GetCallerIdentity').toString('base64url')}`]) {
    const r = await review(bad, 'demo');
    t.equal(r.status, 401, bad);
    t.equal(r.body.status.authenticated, false);
  }
  const after = ((await (await fetch(`${em.url}/_emulator/stats`)).json()) as { calls: Record<string, number> }).calls.GetCallerIdentity ?? 0;
  t.equal(after - before, 5, 'each STS check counted as GetCallerIdentity');
});

t.test('STS\'s 15-minute window, whatever X-Amz-Expires says', { skip: needs('aws') }, async (t) => {
  skewMs = 0;
  const { token, url } = awsToken('demo');
  t.match(url, /X-Amz-Expires=60&/);
  skewMs = 14 * 60_000;
  t.equal((await get(url, 'demo')).status, 200, 'still good after 14 minutes (STS ignores X-Amz-Expires=60)');
  t.equal((await review(token, 'demo')).status, 200);
  skewMs = 16 * 60_000;
  const late = await get(url, 'demo');
  t.equal(late.status, 403);
  t.equal(code(late.body), 'SignatureDoesNotMatch');
  t.match(message(late.body), /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
  const lateReview = await review(token, 'demo');
  t.equal(lateReview.status, 401);
  t.match(lateReview.body.status.error, /X-Amz-Date parameter is expired \(15 minute expiration\)/);
  skewMs = -16 * 60_000;
  const early = await get(url, 'demo');
  t.equal(early.status, 403);
  t.match(message(early.body), /^Signature not yet current: \d{8}T\d{6}Z is still later than/);
  skewMs = 0;
});

t.test('refusals: unsigned cluster header, unknown key, tampered signature, expired credentials', { skip: needs('python3', 'aws') }, async (t) => {
  skewMs = 0;
  // botocore's own presigner, without the EKS handler: x-k8s-aws-id is not signed.
  const py = [
    'import botocore.session, sys',
    's = botocore.session.get_session()',
    'c = s.create_client("sts", region_name=sys.argv[1], endpoint_url=sys.argv[2])',
    'print(c.generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET"))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', py, em.region, em.url], { env: clientEnv, encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const unsigned = await get(r.stdout.trim(), 'demo');
  t.equal(unsigned.status, 403);
  t.equal(code(unsigned.body), 'AccessDenied');
  t.match(message(unsigned.body), /x-k8s-aws-id is not among the signed headers/);

  const { url } = awsToken('demo');
  const unknown = await get(url.replace(/X-Amz-Credential=ASIA[A-Z0-9]{4}/, 'X-Amz-Credential=ASIAZZZZ'), 'demo');
  t.equal(code(unknown.body), 'InvalidClientTokenId');
  t.equal(unknown.status, 403);
  const tampered = await get(url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`), 'demo');
  t.equal(code(tampered.body), 'SignatureDoesNotMatch');
  t.equal(code((await get(url.replace(/&X-Amz-Signature=[0-9a-f]+/, ''), 'demo')).body), 'IncompleteSignature');
  t.equal(code((await get(url.replace('X-Amz-Expires=60', 'X-Amz-Expires=604801'), 'demo')).body), 'IncompleteSignature');
  await fetch(`${em.url}/_emulator/expire`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ what: 'credentials' }) });
  const expired = await get(url, 'demo');
  t.equal(expired.status, 400);
  t.equal(code(expired.body), 'ExpiredToken');
});

t.test('GET / without Action is still the banner', async (t) => {
  const r = await get(`${em.url}/`);
  t.equal(r.status, 200);
  t.match(r.body, /IAM Identity Center emulator/);
});
