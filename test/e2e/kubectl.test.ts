/**
 * Real kubectl against an EKS API server stand-in: an HTTPS server on loopback (a self-signed
 * certificate made for the run) that takes kubectl's bearer token and has the emulator's
 * TokenReview stand-in check it, as EKS's authenticator does, before answering `/version` and
 * `/whoami`. `sso-agent kubeconfig` writes the entry kubectl uses, beside entries of others that
 * must stay as they were; its exec plugin is the shell client asking the agent.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { ROOT, isolatedWorld, run, runCli, spawnAgent } from '../support/e2e-harness.js';
import { needs } from '../support/needs.js';


t.test('kubectl against an EKS stand-in, through sso-agent kubeconfig and eks-token', { skip: needs('kubectl', 'openssl', 'curl') }, async (t) => {
  const em = await startEmulator({ autoApprove: true, accounts: 1, rolesPerAccount: 1, deviceInterval: 0 });
  t.teardown(() => em.close());
  const world = isolatedWorld(em.url);
  world.env.AWS_ENDPOINT_URL_STS = em.url;
  const agent = await spawnAgent(world);
  t.teardown(() => agent.stop());
  const login = await runCli(world, ['login', '--session', 'k8s', '--start-url', em.startUrl, '--region', em.region, '--device-code', '--no-browser']);
  t.equal(login.code, 0, login.stderr);
  const role = (JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[])[0]!;

  // The API server's certificate, made for this run.
  const tls = join(world.home, 'tls');
  mkdirSync(tls, { mode: 0o700 });
  const openssl = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=eks-stand-in', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(tls, 'key.pem'), '-out', join(tls, 'ca.pem'),
  ], { encoding: 'utf8' });
  t.equal(openssl.status, 0, openssl.stderr);

  let reviews = 0;
  const server: Server = createServer({ key: readFileSync(join(tls, 'key.pem')), cert: readFileSync(join(tls, 'ca.pem')) }, (req, res) => {
    void (async () => {
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      const review = token === undefined ? undefined : await fetch(`${em.url}/_emulator/eks/token-review?clusterId=demo`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'TokenReview', spec: { token } }),
      });
      reviews++;
      const user = review?.ok ? ((await review.json()) as { status: { user: { username: string } } }).status.user.username : undefined;
      res.setHeader('content-type', 'application/json');
      if (user === undefined) {
        res.statusCode = 401;
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }));
      } else if (req.url === '/version') {
        res.end(JSON.stringify({ major: '1', minor: '30', gitVersion: 'v1.30.0-eks-stand-in', platform: 'linux/amd64' }));
      } else if (req.url === '/whoami') {
        res.end(JSON.stringify({ username: user }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'not found', reason: 'NotFound', code: 404 }));
      }
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const endpoint = `https://127.0.0.1:${(server.address() as { port: number }).port}`;

  // A kubeconfig someone already uses: its entries and comment must come through untouched.
  const kubeconfig = join(world.env.HOME!, '.kube', 'config');
  mkdirSync(join(world.env.HOME!, '.kube'), { mode: 0o700 });
  const theirs = [
    'apiVersion: v1',
    '# clusters of the platform team',
    'clusters:',
    '- cluster:',
    '    server: https://10.0.0.1:6443',
    '    insecure-skip-tls-verify: true',
    '  name: on-prem',
    'contexts:',
    '- context:',
    '    cluster: on-prem',
    '    user: admin',
    '  name: mine',
    'current-context: mine',
    'kind: Config',
    'preferences: {}',
    'users:',
    '- name: admin',
    '  user:',
    '    token: not-a-real-token',
    '',
  ].join('\n');
  writeFileSync(kubeconfig, theirs, { mode: 0o600 });
  const env = { ...world.env, KUBECONFIG: `${kubeconfig}:${join(world.home, 'second-config')}` };

  const add = await runCli(world, ['kubeconfig', '--cluster-name', 'demo', '--endpoint', endpoint, '--ca-file', join(tls, 'ca.pem'), role.profile], { env });
  t.equal(add.code, 0, add.stderr);
  const text = readFileSync(kubeconfig, 'utf8');
  const doc = parseYaml(text) as { 'current-context': string; users: Array<{ name: string; user: { exec?: Record<string, unknown> } }> };
  const name = `sso-agent/${role.profile}/demo`;
  t.equal(doc['current-context'], name);
  t.match(doc.users.find((u) => u.name === name)?.user.exec, {
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    command: '/bin/sh',
    args: [join(ROOT, 'bin', 'sso-agent-eks-token.sh'), process.execPath, /\/dist\/cli\/main\.js$/, 'eks-token', '--cluster-name', 'demo', role.profile],
    interactiveMode: 'Never',
    provideClusterInfo: false,
  });
  // Their lines, in their order, exactly as they were: ours are only added between them.
  const rest = text.split('\n');
  const unmatched = theirs.split('\n').filter((l) => !l.startsWith('current-context')).filter((line) => {
    const at = rest.indexOf(line);
    if (at < 0) return true;
    rest.splice(0, at + 1);
    return false;
  });
  t.same(unmatched, [], 'their entries and comment kept, line for line and in order');
  t.equal(statSync(kubeconfig).mode & 0o777, 0o600);
  t.equal(readFileSync(`${kubeconfig}.bak`, 'utf8'), theirs, 'the previous file kept as .bak');

  const again = await runCli(world, ['kubeconfig', '--cluster-name', 'demo', '--endpoint', endpoint, '--ca-file', join(tls, 'ca.pem'), role.profile], { env });
  t.equal(again.code, 0, again.stderr);
  t.equal(readFileSync(kubeconfig, 'utf8'), text, 'running it again changes nothing');

  const version = await run('kubectl', ['get', '--raw', '/version'], env);
  t.equal(version.code, 0, version.stderr);
  t.equal((JSON.parse(version.stdout) as { gitVersion: string }).gitVersion, 'v1.30.0-eks-stand-in');
  const whoami = await run('kubectl', ['get', '--raw', '/whoami'], env);
  t.equal(whoami.code, 0, whoami.stderr);
  t.match((JSON.parse(whoami.stdout) as { username: string }).username, new RegExp(`^arn:aws:sts::${role.accountId}:assumed-role/AWSReservedSSO_`));
  t.ok(reviews >= 2, 'every call was checked through the emulator');

  // A token signed for another cluster is refused by this one.
  const other = await runCli(world, ['kubeconfig', '--cluster-name', 'other', '--endpoint', endpoint, '--ca-file', join(tls, 'ca.pem'), '--context', 'other', role.profile], { env });
  t.equal(other.code, 0, other.stderr);
  const refused = await run('kubectl', ['--context', 'other', 'get', '--raw', '/version'], env);
  t.not(refused.code, 0);
  t.match(refused.stderr, /Unauthorized|provide credentials/);

  // A context of someone else's is never replaced.
  const before = readFileSync(kubeconfig, 'utf8');
  const clash = await runCli(world, ['kubeconfig', '--cluster-name', 'demo', '--endpoint', endpoint, '--ca-file', join(tls, 'ca.pem'), '--context', 'mine', role.profile], { env });
  t.equal(clash.code, 1);
  t.match(clash.stderr, /context "mine" is not one sso-agent wrote; pass --context with another name/);
  t.equal(readFileSync(kubeconfig, 'utf8'), before, 'nothing written');

  const log = agent.lines.join('\n');
  t.notMatch(log, /k8s-aws-v1\.|X-Amz-Signature/, 'no token in the agent\'s log');
});
