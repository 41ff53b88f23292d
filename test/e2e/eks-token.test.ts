/**
 * `sso-agent eks-token` end to end: the agent as a real process signs the token with a role's
 * credentials from the emulator, through the Node entry and through the shell client
 * (bin/sso-agent-eks-token.sh) alike; the emulator's TokenReview stand-in accepts it for its
 * cluster only; its shape matches `aws eks get-token` run on the same credentials (date and
 * signature masked); chained profiles sign as the assumed role; the token never reaches a log.
 */
import t from 'tap';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { MAIN, ROOT, isolatedWorld, run, runCli, spawnAgent, type CliRun } from '../support/e2e-harness.js';
import { needs } from '../support/needs.js';

const em = await startEmulator({ autoApprove: true, accounts: 2, rolesPerAccount: 1, deviceInterval: 0 });
t.teardown(() => em.close());
const world = isolatedWorld(em.url);
// The agent's own setting: chained profiles' AssumeRole, and the token's endpoint when the caller sets none.
world.env.AWS_ENDPOINT_URL_STS = em.url;
const agent = await spawnAgent(world);
t.teardown(() => agent.stop());
const login = await runCli(world, ['login', '--session', 'eks', '--start-url', em.startUrl, '--region', em.region, '--device-code', '--no-browser']);
if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
const roles = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];
const role = roles[0]!;
const SHELL_CLIENT = join(ROOT, 'bin', 'sso-agent-eks-token.sh');

interface ExecCredential { kind: string; apiVersion: string; spec: object; status: { expirationTimestamp: string; token: string } }
const parse = (r: CliRun) => JSON.parse(r.stdout) as ExecCredential;
const urlOf = (token: string) => Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8');
const viaNode = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(world, ['eks-token', ...args], { env });
const viaShell = (args: string[], env: NodeJS.ProcessEnv = {}) => run('/bin/sh', [SHELL_CLIENT, process.execPath, MAIN, 'eks-token', ...args], { ...world.env, ...env });
const tokens: string[] = [];

async function review(token: string, clusterId: string): Promise<{ status: number; username?: string; error?: string }> {
  const res = await fetch(`${em.url}/_emulator/eks/token-review?clusterId=${clusterId}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'TokenReview', spec: { token } }),
  });
  const body = (await res.json()) as { status: { user?: { username: string }; error?: string } };
  return { status: res.status, username: body.status.user?.username, error: body.status.error };
}

t.test('the Node entry and the shell client print the same ExecCredential, good for its cluster only', async (t) => {
  const args = ['--cluster-name', 'demo', role.profile];
  const [node, shell] = [await viaNode(args), await viaShell(args)];
  t.equal(node.code, 0, node.stderr);
  t.equal(shell.code, 0, shell.stderr);
  for (const r of [node, shell]) {
    const c = parse(r);
    tokens.push(c.status.token);
    t.match(r.stdout, /^\{\n {4}"kind": "ExecCredential",\n {4}"apiVersion": "client\.authentication\.k8s\.io\/v1beta1",\n {4}"spec": \{\},\n {4}"status": \{\n {8}"expirationTimestamp": "[^"]+",\n {8}"token": "k8s-aws-v1\.[A-Za-z0-9_-]+"\n {4}\}\n\}\n\n$/);
    const left = Date.parse(c.status.expirationTimestamp) - Date.now();
    t.ok(left > 13 * 60_000 && left <= 14 * 60_000, `expires in a little under 15 minutes (${left} ms)`);
    t.match(urlOf(c.status.token), new RegExp(`^${em.url}/\\?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIA\\w+%2F\\d{8}%2F${em.region}%2Fsts%2Faws4_request&X-Amz-Date=\\d{8}T\\d{6}Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Security-Token=[^&]+&X-Amz-Signature=[0-9a-f]{64}$`));
    const ok = await review(c.status.token, 'demo');
    t.equal(ok.status, 200, ok.error ?? '');
    t.match(ok.username, new RegExp(`^arn:aws:sts::${role.accountId}:assumed-role/AWSReservedSSO_`));
    t.equal((await review(c.status.token, 'other-cluster')).status, 401, 'not for another cluster');
  }
});

t.test('the API version kubectl announces, or --api-version', async (t) => {
  const execInfo = JSON.stringify({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: false } });
  for (const via of [viaNode, viaShell]) {
    t.equal(parse(await via(['--cluster-name', 'demo', role.profile], { KUBERNETES_EXEC_INFO: execInfo })).apiVersion, 'client.authentication.k8s.io/v1');
    t.equal(parse(await via(['--cluster-name', 'demo', '--api-version', 'v1', role.profile])).apiVersion, 'client.authentication.k8s.io/v1');
  }
});

t.test('region and endpoint: --region, the caller\'s AWS_ENDPOINT_URL_STS before the agent\'s, the partition\'s host', async (t) => {
  const elsewhere = parse(await viaShell(['--cluster-name', 'demo', '--region', 'eu-west-1', role.profile], { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9/sts' }));
  t.match(urlOf(elsewhere.status.token), /^http:\/\/127\.0\.0\.1:9\/sts\?Action=GetCallerIdentity&.*%2Feu-west-1%2Fsts%2Faws4_request/);
  const aws = parse(await viaNode(['--cluster-name', 'demo', '--region', 'cn-north-1', role.profile], { AWS_ENDPOINT_URL_STS: '' }));
  t.match(urlOf(aws.status.token), /^http:\/\/127\.0\.0\.1:\d+\/\?/, 'the agent\'s AWS_ENDPOINT_URL_STS when the caller has none');
});

t.test('the same shape as aws eks get-token on the same credentials', { skip: needs('aws') }, async (t) => {
  const cp = await runCli(world, ['credential-process', role.profile]);
  const creds = JSON.parse(cp.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
  const aws = await run('aws', ['eks', 'get-token', '--cluster-name', 'demo'], {
    PATH: process.env.PATH, HOME: world.env.HOME, AWS_CONFIG_FILE: join(world.home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(world.home, 'none'),
    AWS_ACCESS_KEY_ID: creds.AccessKeyId, AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey, AWS_SESSION_TOKEN: creds.SessionToken,
    AWS_DEFAULT_REGION: em.region, AWS_ENDPOINT_URL_STS: em.url,
  });
  t.equal(aws.code, 0, aws.stderr);
  const ours = await viaShell(['--cluster-name', 'demo', '--region', em.region, role.profile]);
  // Only the clock may differ: the date in the scope and X-Amz-Date, hence the signature and the expiry.
  const mask = (out: string) => {
    const c = JSON.parse(out) as ExecCredential;
    const url = urlOf(c.status.token).replace(/%2F\d{8}%2F/, '%2FDATE%2F').replace(/X-Amz-Date=\d{8}T\d{6}Z/, 'X-Amz-Date=DATE').replace(/X-Amz-Signature=[0-9a-f]{64}/, 'X-Amz-Signature=SIG');
    return out.replace(c.status.token, url).replace(c.status.expirationTimestamp, 'EXPIRY');
  };
  t.equal(mask(ours.stdout), mask(aws.stdout));
  t.equal((await review(parse(aws).status.token, 'demo')).status, 200, 'the emulator takes the AWS CLI\'s token too');
});

t.test('a chained profile signs as the assumed role', async (t) => {
  appendFileSync(world.env.AWS_CONFIG_FILE!, `[profile spoke]\nrole_arn = arn:aws:iam::${roles[1]!.accountId}:role/OrganizationAccountAccessRole\nsource_profile = ${role.profile}\n`);
  t.equal((await runCli(world, ['sync'])).code, 0);
  const r = await viaShell(['--cluster-name', 'demo', 'spoke']);
  t.equal(r.code, 0, r.stderr);
  const ok = await review(parse(r).status.token, 'demo');
  t.equal(ok.status, 200, ok.error ?? '');
  t.match(ok.username, new RegExp(`^arn:aws:sts::${roles[1]!.accountId}:assumed-role/OrganizationAccountAccessRole/`));
});

t.test('errors: the agent\'s message and exit status, through the shell client too', async (t) => {
  const unknown = ['--cluster-name', 'demo', 'no-such-profile'];
  const [node, shell] = [await viaNode(unknown), await viaShell(unknown)];
  t.equal(node.code, 1);
  t.equal(shell.code, 1);
  t.equal(shell.stdout, '');
  t.equal(shell.stderr, node.stderr);
  t.match(node.stderr, /no profile named "no-such-profile"/);
  for (const [args, re] of [
    [[role.profile], /--cluster-name NAME/],
    [['--cluster-name', 'demo', '--api-version', 'v2', role.profile], /--api-version takes v1 or v1beta1/],
    [['--cluster-name', 'demo', '--region', 'Mars', role.profile], /--region R/],
  ] as const) {
    const r = await viaShell([...args]);
    t.equal(r.code, 2, `${args.join(' ')}: bad usage`);
    t.match(r.stderr, re);
  }
  const stopped = await viaShell(['--cluster-name', 'demo', role.profile], { SSO_AGENT_SOCK: join(world.home, 'nothing.sock') });
  t.equal(stopped.code, 1);
  t.match(stopped.stderr, /not running|no agent/i);
});

t.test('no token reaches the agent\'s log', async (t) => {
  t.ok(tokens.length >= 2);
  const log = agent.lines.join('\n');
  for (const token of tokens) {
    t.notOk(log.includes(token.slice(11, 60)), 'the token');
    t.notOk(log.includes(/X-Amz-Signature=([0-9a-f]{64})/.exec(urlOf(token))![1]!), 'its signature');
  }
});
