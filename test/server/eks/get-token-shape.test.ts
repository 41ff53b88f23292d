/**
 * The token and the ExecCredential, byte for byte against `aws eks get-token` (the AWS CLI v1 on
 * PATH) run with the same credentials and the same frozen clock (libfaketime): with the clock
 * held, even the signature must be the same. Cases cover the partitions' regional hosts, a
 * session token whose characters need percent-encoding, AWS_ENDPOINT_URL_STS with a base path and
 * the API version kubectl announces in KUBERNETES_EXEC_INFO.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderExecCredential } from '../../../src/core/admin-api.js';
import { chooseApiVersion, execCredential, expirationTimestamp } from '../../../src/server/eks/exec-credential.js';
import { encodeToken, presignCallerIdentity } from '../../../src/server/eks/presign-token.js';
import { stsTarget } from '../../../src/server/eks/sts-endpoint.js';
import { needs } from '../../support/needs.js';

const FROZEN = '2026-01-02 03:04:05';
const FROZEN_MS = Date.UTC(2026, 0, 2, 3, 4, 5);

interface Case {
  name: string;
  region: string;
  cluster: string;
  sessionToken?: string;
  endpoint?: string;
  execInfo?: string;
}

const cases: Case[] = [
  { name: 'eu-west-1 with a session token', region: 'eu-west-1', cluster: 'my-cluster', sessionToken: 'IQoJb3JpZ2luX2Vj/EAoa+CXVzLWVhc3QtMSJHMEUCIQ==' },
  { name: 'us-east-1 regional, long-term keys', region: 'us-east-1', cluster: 'prod_cluster-2' },
  { name: 'China partition', region: 'cn-north-1', cluster: 'c1', sessionToken: 'FwoGZXIvYXdzEJr//////////' },
  { name: 'GovCloud', region: 'us-gov-west-1', cluster: 'gov' },
  {
    name: 'AWS_ENDPOINT_URL_STS with a base path, v1 announced by kubectl',
    region: 'eu-central-1', cluster: 'emu', sessionToken: 'a+b/c=', endpoint: 'http://127.0.0.1:9/base',
    execInfo: JSON.stringify({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: false } }),
  },
];

t.test('aws eks get-token and the agent\'s token agree byte for byte on a frozen clock', { skip: needs('aws', 'faketime') }, async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'sso-agent-eks-shape-'));
  t.teardown(() => rmSync(home, { recursive: true, force: true }));
  for (const c of cases) {
    const credentials = { accessKeyId: 'ASIAEXAMPLEKEY123456', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) };
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: join(home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
      AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_DEFAULT_REGION: c.region,
      // The CLI v1 still sends us-east-1 to the global host unless asked; the agent always uses the regional one.
      AWS_STS_REGIONAL_ENDPOINTS: 'regional',
      ...(c.sessionToken ? { AWS_SESSION_TOKEN: c.sessionToken } : {}),
      ...(c.endpoint ? { AWS_ENDPOINT_URL_STS: c.endpoint } : {}),
      ...(c.execInfo ? { KUBERNETES_EXEC_INFO: c.execInfo } : {}),
    };
    const aws = spawnSync('faketime', ['-f', FROZEN, 'aws', 'eks', 'get-token', '--cluster-name', c.cluster], { env, encoding: 'utf8', timeout: 60_000 });
    t.equal(aws.status, 0, `${c.name}: aws eks get-token ran (${aws.stderr})`);

    const url = await presignCallerIdentity({
      credentials, region: c.region, target: stsTarget(c.region, c.endpoint), clusterId: c.cluster, signingDate: new Date(FROZEN_MS),
    });
    const ours = renderExecCredential(execCredential(
      chooseApiVersion(undefined, c.execInfo),
      expirationTimestamp(FROZEN_MS, FROZEN_MS + 3600_000),
      encodeToken(url),
    ));
    t.equal(ours, aws.stdout, `${c.name}: the same bytes`);
  }
});

t.test('the expiry: 14 minutes on, or the credentials\' end if sooner, in whole seconds', async (t) => {
  const now = Date.UTC(2026, 5, 1, 12, 0, 0, 987);
  t.equal(expirationTimestamp(now, now + 3600_000), '2026-06-01T12:14:00Z');
  t.equal(expirationTimestamp(now, now + 5 * 60_000), '2026-06-01T12:05:00Z');
});

t.test('the API version: the flag, else KUBERNETES_EXEC_INFO, else v1beta1', async (t) => {
  const v1 = 'client.authentication.k8s.io/v1';
  const beta = 'client.authentication.k8s.io/v1beta1';
  t.equal(chooseApiVersion(undefined, undefined), beta);
  t.equal(chooseApiVersion(undefined, JSON.stringify({ apiVersion: v1 })), v1);
  t.equal(chooseApiVersion(beta, JSON.stringify({ apiVersion: v1 })), beta, 'the flag wins');
  for (const junk of ['{', 'null', '[]', JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1alpha1' }), JSON.stringify({ apiVersion: 7 })]) {
    t.equal(chooseApiVersion(undefined, junk), beta, `falls back for ${junk}`);
  }
});

t.test('the STS endpoint of each partition, and AWS_ENDPOINT_URL_STS checked', async (t) => {
  t.equal(stsTarget('eu-west-1').host, 'sts.eu-west-1.amazonaws.com');
  t.equal(stsTarget('cn-northwest-1').host, 'sts.cn-northwest-1.amazonaws.com.cn');
  t.equal(stsTarget('us-isob-east-1').host, 'sts.us-isob-east-1.sc2s.sgov.gov');
  t.equal(stsTarget('eusc-de-east-1').host, 'sts.eusc-de-east-1.amazonaws.eu');
  t.same(stsTarget('eu-west-1', 'http://127.0.0.1:4566'), { protocol: 'http:', hostname: '127.0.0.1', port: 4566, host: '127.0.0.1:4566', path: '/' });
  for (const bad of ['not a url', 'ftp://x', 'https://h/?q=1', 'https://u:p@h/']) {
    t.throws(() => stsTarget('eu-west-1', bad), /AWS_ENDPOINT_URL_STS/, bad);
  }
});
