/**
 * The admin route behind `sso-agent eks-token`, on a fake core and a held clock: which region
 * and endpoint the token names, its expiry, and the refusals (each with its catalog code).
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { ADMIN_ROUTES } from '../../../src/core/admin-api.js';
import { createLogger } from '../../../src/logger.js';
import { buildAdminApp } from '../../../src/server/admin-app.js';
import { fakeCore } from '../../support/fake-core.js';

const NOW = Date.UTC(2026, 2, 4, 5, 6, 7, 890);

function setup() {
  const core = fakeCore(() => NOW);
  const info = () => ({ version: '0.1.0', pid: 42, port: 48123, socket: '/tmp/x/agent.sock', startedAt: '2026-11-23T09:00:00.000Z' });
  const app = buildAdminApp({ core, keys: { agentKey: randomBytes(32), runtimeDir: t.testdir() }, info, logger: createLogger({ level: 'silent' }), now: () => NOW });
  t.teardown(() => app.close());
  return { core, app };
}

async function token(app: ReturnType<typeof setup>['app'], query: Record<string, string>) {
  const res = await app.inject({ method: 'GET', url: `${ADMIN_ROUTES.eksToken}?${new URLSearchParams(query).toString()}` });
  return { res, url: res.statusCode === 200 ? Buffer.from((res.json() as { status: { token: string } }).status.token.slice(11), 'base64url').toString() : '' };
}

t.test('the region: --region, the caller\'s AWS_REGION, AWS_DEFAULT_REGION, the profile\'s, its session\'s', async (t) => {
  const { app, core } = setup();
  const base = { profile: 'prod-admin', cluster: 'c1' };
  const host = async (q: Record<string, string>) => /^https:\/\/([^/]+)\//.exec((await token(app, { ...base, ...q })).url)?.[1];
  t.equal(await host({ region: 'eu-west-3', AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' }), 'sts.eu-west-3.amazonaws.com');
  t.equal(await host({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' }), 'sts.eu-west-1.amazonaws.com');
  t.equal(await host({ AWS_DEFAULT_REGION: 'cn-north-1' }), 'sts.cn-north-1.amazonaws.com.cn');
  t.equal(await host({}), 'sts.us-east-1.amazonaws.com', 'the session\'s region');
  core.roles[0]!.region = 'ap-south-1';
  t.equal(await host({}), 'sts.ap-south-1.amazonaws.com', 'a chained profile\'s own region');
  const { url } = await token(app, { ...base, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL: 'http://127.0.0.1:1' });
  t.match(url, /^http:\/\/127\.0\.0\.1:4566\/\?Action=GetCallerIdentity&/, 'AWS_ENDPOINT_URL_STS before AWS_ENDPOINT_URL');
});

t.test('the reply: the ExecCredential bytes, signed now, 14 minutes to run, never cached', async (t) => {
  const { app } = setup();
  const { res, url } = await token(app, { profile: 'prod-admin', cluster: 'c1' });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['cache-control'], 'no-store');
  t.match(res.body, /^\{\n {4}"kind": "ExecCredential",\n {4}"apiVersion": "client\.authentication\.k8s\.io\/v1beta1",\n {4}"spec": \{\},\n {4}"status": \{\n {8}"expirationTimestamp": "2026-03-04T05:20:07Z",\n/);
  t.ok(res.body.endsWith('"\n    }\n}\n\n'));
  t.match(url, /X-Amz-Credential=ASIAFAKE\d{8}%2F20260304%2Fus-east-1%2Fsts%2Faws4_request&X-Amz-Date=20260304T050607Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Security-Token=session-token-prod-admin-1&X-Amz-Signature=[0-9a-f]{64}$/);
});

t.test('refusals, each with its code', async (t) => {
  const { app, core } = setup();
  for (const [query, status, code, re] of [
    [{ cluster: 'c1' }, 400, 'BadUsage', /needs a PROFILE/],
    [{ profile: 'prod-admin' }, 400, 'BadUsage', /--cluster-name NAME/],
    [{ profile: 'prod-admin', cluster: 'bad\u0007name' }, 400, 'BadUsage', /no control characters/],
    [{ profile: 'prod-admin', cluster: 'c1', apiVersion: 'v1alpha1' }, 400, 'BadUsage', /--api-version takes v1 or v1beta1/],
    [{ profile: 'prod-admin', cluster: 'c1', region: 'moon' }, 400, 'BadUsage', /--region R/],
    [{ profile: 'prod-admin', cluster: 'c1', AWS_ENDPOINT_URL_STS: 'ftp://x' }, 400, 'InvalidInput', /AWS_ENDPOINT_URL_STS must be an http\(s\) URL.*fix or unset it/],
    [{ profile: 'nope', cluster: 'c1' }, 404, 'ProfileNotFound', /nope/],
    [{ profile: 'sandbox-admin', cluster: 'c1' }, 409, 'LoginRequired', /sso-agent login --session play/],
  ] as const) {
    const { res } = await token(app, query);
    t.equal(res.statusCode, status, JSON.stringify(query));
    t.match(res.json(), { Code: code, Message: re });
  }
  const twice = await app.inject({ method: 'GET', url: `${ADMIN_ROUTES.eksToken}?profile=prod-admin&cluster=a&cluster=b` });
  t.match(twice.json(), { Code: 'InvalidInput', Message: /cluster was given more than once/ });
  t.equal(core.calls.getCredentials.filter((p) => p === 'prod-admin').length, 0, 'no credentials fetched for a refused request');
});
