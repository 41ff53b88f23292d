/**
 * Containers without a Docker engine: a network namespace is a container. A "host" namespace holds
 * the emulator and the agent (started with --container-address before the address exists) and a
 * bridge, as a Docker network would; two "container" namespaces hang off the bridge. Real clients
 * inside them — botocore, the AWS CLI v2, the JS SDK v3 and the Go SDK v2 — use a container grant
 * printed by `sso-agent env PROFILE --container`, sign STS GetCallerIdentity against the emulator
 * as PROFILE, and see their credentials renewed. Everything without the right grant is refused.
 * Needs root and iproute2; the namespaces are removed in teardown whatever happens.
 */
import t from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GrantInfo } from '../../src/core/admin-api.js';
import type { CatalogRole } from '../../src/core/types.js';
import { MAIN, ROOT, isolatedWorld, run, runCli, type CliRun, type World } from '../support/e2e-harness.js';
import { makeNetns, netnsUnavailable, type Netns } from '../support/netns.js';
import { waitUntil } from '../support/wait-until.js';
import { cleanupOnExit } from '../support/cleanup-on-exit.js';

const CONTAINER_ADDR = '169.254.170.2';
const EMULATOR_ADDR = '169.254.170.3';
/** Short role credentials, so a client sees the agent renew them within seconds. */
const CREDENTIALS_TTL = '12s';
/** How long a client waits for a renewal: the agent renews a role in use at half its 12 s life. */
const RENEWAL_DEADLINE_S = 30;
const PY = join(ROOT, 'test/support/py');
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Four real clients wait for a renewal, and the Go SDK compiles on a fresh machine: more than the
// suite's per-file default (also under CI's parallel load).
t.setTimeout(300_000);
const why = netnsUnavailable();
if (why) {
  t.test(`containers in network namespaces: ${why}`, { skip: why }, () => {});
} else {
  await main();
}

/** Starts a long-running process and resolves with it and its first stdout line matching `ready`. */
function startUntil(argv: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ proc: ChildProcess; line: string; out: () => string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(argv[0] as string, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stderr.on('data', (c) => { err += c; });
    proc.stdout.on('data', (c) => {
      out += c;
      const line = out.split('\n').find((l) => ready.test(l));
      if (line) resolve({ proc, line, out: () => out });
    });
    proc.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited ${code}: ${err}`)));
  });
}

async function main(): Promise<void> {
  const ns: Netns = makeNetns('s22', `${EMULATOR_ADDR}/24`, ['169.254.170.10/24', '169.254.170.11/24']);
  const procs: ChildProcess[] = [];
  // Also when the runner's timeout stops this file: the processes in the namespaces, then them.
  t.teardown(cleanupOnExit(() => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    ns.remove();
  }));
  const [inC, inD] = ns.containers.map((c) => ns.exec(c)) as [string[], string[]];
  const inHost = ns.exec(ns.host);

  const em = await startUntil([...inHost, process.execPath, MAIN, 'emulator', '--host', EMULATOR_ADDR, '--auto-approve', '--device-interval', '0',
    '--accounts', '2', '--roles-per-account', '1', '--credentials-ttl', CREDENTIALS_TTL], process.env, /"url"/);
  procs.push(em.proc);
  const { url, startUrl, region } = JSON.parse(em.line) as { url: string; startUrl: string; region: string };
  const world: World = isolatedWorld(url);
  // Two container listeners: the agent's own port, and the ECS endpoint's port 80 (root in this
  // namespace may bind it) for SDKs that take only AWS_CONTAINER_CREDENTIALS_RELATIVE_URI.
  const agent = await startUntil([...inHost, process.execPath, MAIN, 'serve', '--port', '0', '--container-address', CONTAINER_ADDR,
    '--container-address', `${CONTAINER_ADDR}:80`], world.env, /"msg":"listening"/);
  procs.push(agent.proc);
  const { port, containers } = JSON.parse(agent.line) as { port: number; containers: { listening: boolean }[] };
  t.teardown(async () => {
    agent.proc.kill('SIGTERM');
    await new Promise((r) => agent.proc.once('exit', r));
  });
  const cli = (args: string[]): Promise<CliRun> => runCli(world, args);
  type Listening = { address: string; port: number; listening: boolean }[];
  const status = async (): Promise<Listening> => (JSON.parse((await cli(['status', '--json'])).stdout) as { agent: { containers: Listening } }).agent.containers;
  const allUp = async (): Promise<boolean> => (await status()).every((c) => c.listening);

  let a: CatalogRole;
  let b: CatalogRole;
  const clientEnv = (vars: Record<string, string>): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: join(world.home, 'home'), AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', ...vars };
    return env;
  };
  const grant = async (profile: string, extra: string[] = []): Promise<{ vars: Record<string, string>; id: string }> => {
    const r = await cli(['env', profile, '--container', '--format', 'json', ...extra]);
    t.equal(r.code, 0, r.stderr);
    const id = /grant (g-[0-9a-f]{8})/.exec(r.stderr)?.[1] ?? '';
    return { vars: JSON.parse(r.stdout) as Record<string, string>, id };
  };
  const httpGet = async (where: string[], uri: string, token = '', host?: string): Promise<{ status: number; body: string }> => {
    const r = await run(where[0] as string, [...where.slice(1), 'python3', join(PY, 'http_get.py'), uri, token, ...(host ? [host] : [])], clientEnv({}));
    if (r.code !== 0) throw new Error(`http_get failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as { status: number; body: string };
  };

  // Compiled while the agent starts and logs in: the slowest step on a fresh machine.
  const goBuild = buildGoCaller();

  await t.test('the agent starts before the container address exists and picks it up when it appears', async (t) => {
    t.same(containers.map((c) => c.listening), [false, false], 'no address yet: nothing bound');
    const login = await cli(['login', '--device-code', '--no-browser', '--session', 'c', '--start-url', startUrl, '--region', region]);
    t.equal(login.code, 0, login.stderr);
    const roles = JSON.parse((await cli(['ls', '--json'])).stdout) as CatalogRole[];
    [a, b] = [roles[0] as CatalogRole, roles[1] as CatalogRole];
    t.not(a.accountId, b.accountId);
    ns.addHostAddress(`${CONTAINER_ADDR}/24`);
    await waitUntil(allUp, 'the agent listens on the container address', 15_000);
    t.same(await status(), [{ address: CONTAINER_ADDR, port, listening: true }, { address: CONTAINER_ADDR, port: 80, listening: true }]);
  });

  await t.test('botocore, the AWS CLI v2, the JS SDK v3 and the Go SDK v2 sign as the granted profile, and get renewals', async (t) => {
    const { vars, id } = await grant(a.profile);
    t.equal(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, `http://${CONTAINER_ADDR}:${port}/v1/credentials/${a.profile}`);
    t.match(vars.AWS_CONTAINER_AUTHORIZATION_TOKEN, /^[A-Za-z0-9_-]{43}$/);
    t.equal(vars.AWS_REGION, region);
    t.notOk('AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE' in vars, 'no host file path goes into a container');
    const env = clientEnv(vars);
    // Debian's Go SDK v2 takes a FULL_URI on loopback only: it gets the ECS form (--relative),
    // served on 169.254.170.2:80. The grant is the same kind; only the variable differs.
    const relative = await grant(a.profile, ['--relative']);
    t.same(Object.keys(relative.vars).sort(), ['AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_DEFAULT_REGION', 'AWS_REGION']);
    t.equal(relative.vars.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, `/v1/credentials/${a.profile}`);
    const printed = clientEnv(relative.vars);
    const arnOf = new RegExp(`^arn:aws:sts::${a.accountId}:assumed-role/AWSReservedSSO_${escapeRe(a.roleName)}_[0-9a-f]+/`);

    const go = await goBuild;
    if (go.skip) t.test('the Go SDK v2', { skip: go.skip }, () => {});
    t.notOk(go.error, `go build: ${go.error ?? ''}`);
    const goBin = go.bin;
    const jobs: Promise<void>[] = [
      (async () => {
        const r = await run(inC[0] as string, [...inC.slice(1), 'python3', join(PY, 'renewing_caller.py'), url, region, String(RENEWAL_DEADLINE_S)], env);
        t.equal(r.code, 0, `botocore: ${r.stdout} ${r.stderr}`);
        const out = JSON.parse(r.stdout) as { method: string; arns: string[]; keys: number };
        t.equal(out.method, 'container-role', 'botocore used its container provider');
        t.match(out.arns, [arnOf], 'botocore signs as the granted role');
        t.equal(out.keys, 2, 'botocore got renewed credentials');
      })(),
      ...(['chain', 'http'] as const).map(async (mode) => {
        const r = await run(inC[0] as string, [...inC.slice(1), process.execPath, join(ROOT, 'test/support/js/renewing-caller.mjs'), mode, url, region, String(RENEWAL_DEADLINE_S)], env);
        t.equal(r.code, 0, `JS ${mode}: ${r.stdout} ${r.stderr}`);
        const out = JSON.parse(r.stdout) as { arns: string[]; keys: number };
        t.match(out.arns, [arnOf], `JS SDK v3 (${mode === 'chain' ? 'fromNodeProviderChain' : 'fromHttp'}) signs as the granted role`);
        t.equal(out.keys, 2, `JS SDK v3 (${mode}) got renewed credentials`);
      }),
      (async () => {
        if (!goBin) return;
        const r = await run(inC[0] as string, [...inC.slice(1), goBin, url, String(RENEWAL_DEADLINE_S)], printed);
        t.equal(r.code, 0, `Go: ${r.stdout} ${r.stderr}`);
        const out = JSON.parse(r.stdout) as { arns: string[]; keys: number };
        t.match(out.arns, [arnOf], 'Go SDK v2 signs as the granted role');
        t.equal(out.keys, 2, 'Go SDK v2 got renewed credentials');
      })(),
      (async () => {
        // The AWS CLI v2 is one process per command: each run after a renewal gets the new credentials.
        const keys = new Set<string>();
        const deadline = Date.now() + RENEWAL_DEADLINE_S * 1000;
        while (keys.size < 2 && Date.now() < deadline) {
          const who = await run(inC[0] as string, [...inC.slice(1), '/usr/bin/aws', 'sts', 'get-caller-identity', '--endpoint-url', url, '--output', 'json'], env);
          t.equal(who.code, 0, `aws v2: ${who.stderr}`);
          if (who.code !== 0) return;
          t.match((JSON.parse(who.stdout) as { Arn: string }).Arn, arnOf);
          const exp = await run(inC[0] as string, [...inC.slice(1), '/usr/bin/aws', 'configure', 'export-credentials', '--format', 'process'], env);
          keys.add((JSON.parse(exp.stdout) as { AccessKeyId: string }).AccessKeyId);
        }
        t.equal(keys.size, 2, 'the AWS CLI v2 got renewed credentials');
      })(),
    ];
    await Promise.all(jobs);

    // fromContainerMetadata, the older JS provider, takes a FULL_URI only on localhost/127.0.0.1:
    // it refuses the container address by itself (the default chain above tries fromHttp first).
    const fromContainerMetadata = (e: NodeJS.ProcessEnv): Promise<CliRun> => run(inC[0] as string, [...inC.slice(1), process.execPath, '--input-type=module', '-e',
      "import { fromContainerMetadata } from '@aws-sdk/credential-providers'; await fromContainerMetadata({ maxRetries: 0 })().then((c) => console.log('key', c.accessKeyId), (e) => console.log(e.message));"], e, undefined, ROOT);
    t.match((await fromContainerMetadata(env)).stdout, /169\.254\.170\.2 is not a valid container metadata service hostname/, 'fromContainerMetadata refuses a FULL_URI on the container address (README says so)');
    t.match((await fromContainerMetadata(printed)).stdout, /^key ASIA/, 'fromContainerMetadata takes the ECS form on :80');

    const listed = JSON.parse((await cli(['grants', '--json'])).stdout) as GrantInfo[];
    const mine = listed.find((g) => g.id === id);
    t.match(mine, { kind: 'container', profiles: [a.profile] });
    t.ok(mine?.lastUsedAt, 'grants shows when it was last used');
    t.notOk(JSON.stringify(listed).includes(vars.AWS_CONTAINER_AUTHORIZATION_TOKEN as string), 'grants never prints a token');
  });

  await t.test('a second container without the right grant is refused', async (t) => {
    const { vars } = await grant(a.profile);
    const uriA = vars.AWS_CONTAINER_CREDENTIALS_FULL_URI as string;
    const uriB = uriA.replace(a.profile, b.profile);

    let r = await httpGet(inD, uriA);
    t.equal(r.status, 401, 'no token: 401');
    t.match(JSON.parse(r.body), { Code: 'MissingAuthorization', Message: /a grant's token .*sso-agent env .* --container/ });
    const host = JSON.parse((await cli(['env', a.profile, '--format', 'json'])).stdout) as Record<string, string>;
    r = await httpGet(inD, uriA, host.AWS_CONTAINER_AUTHORIZATION_TOKEN);
    t.equal(r.status, 403, 'a host token is refused on the container address');
    t.match(JSON.parse(r.body), { Code: 'GrantRequired', Message: /container grants only/ });
    r = await httpGet(inD, uriB, vars.AWS_CONTAINER_AUTHORIZATION_TOKEN);
    t.equal(r.status, 403, 'another profile with this grant: 403');
    t.match(JSON.parse(r.body), { Code: 'ProfileNotGranted', Message: new RegExp(`does not cover profile ${b.profile}`) });
    r = await httpGet(inD, uriA.replace(a.profile, 'no-such-profile'), vars.AWS_CONTAINER_AUTHORIZATION_TOKEN);
    t.equal(r.status, 403, 'an unknown profile looks like any ungranted one');
    r = await httpGet(inD, uriA, vars.AWS_CONTAINER_AUTHORIZATION_TOKEN, `evil.example:${port}`);
    t.equal(r.status, 403, 'DNS rebinding: a foreign Host is refused on the container listener');
    r = await httpGet(inD, uriA, vars.AWS_CONTAINER_AUTHORIZATION_TOKEN, `127.0.0.1:${port}`);
    t.equal(r.status, 403, 'a loopback Host is not this listener\'s own address');
    r = await httpGet(inD, uriA, vars.AWS_CONTAINER_AUTHORIZATION_TOKEN);
    t.equal(r.status, 200, 'the same grant, as sent by an SDK, works');
    // A container token on the agent's loopback listener (from inside the host namespace).
    r = await httpGet(inHost, `http://127.0.0.1:${port}/v1/credentials/${a.profile}`, vars.AWS_CONTAINER_AUTHORIZATION_TOKEN);
    t.equal(r.status, 403, 'a container grant is refused on the loopback listener');
    // botocore in the second container with B's URI and A's grant: the SDK shows our message.
    const boto = await run(inD[0] as string, [...inD.slice(1), 'python3', join(PY, 'sts_caller.py'), url, region], clientEnv({ ...vars, AWS_CONTAINER_CREDENTIALS_FULL_URI: uriB }));
    t.not(boto.code, 0);
    t.match(boto.stdout, /403/);
    t.match(boto.stdout, /does not cover profile/);
  });

  await t.test('revoke and --ttl end a grant; --also grants a second profile', async (t) => {
    const { vars, id } = await grant(a.profile, ['--also', b.profile, '--ttl', '1h', '--label', 'ci-job']);
    const uriB = (vars.AWS_CONTAINER_CREDENTIALS_FULL_URI as string).replace(a.profile, b.profile);
    t.equal((await httpGet(inD, uriB, vars.AWS_CONTAINER_AUTHORIZATION_TOKEN)).status, 200, '--also: the second profile is granted');
    const listed = JSON.parse((await cli(['grants', '--json'])).stdout) as GrantInfo[];
    const g = listed.find((x) => x.id === id);
    t.match(g, { profiles: [a.profile, b.profile], label: 'ci-job' });
    t.ok(g?.expiresAt && Date.parse(g.expiresAt) > Date.now() + 59 * 60_000, '--ttl 1h sets the expiry');
    const table = await cli(['grants']);
    t.match(table.stdout, new RegExp(`${id}\\s+container\\s+${a.profile},${b.profile}\\s+in `));
    const rev = await cli(['grants', 'revoke', id]);
    t.equal(rev.code, 0, rev.stderr);
    t.equal((await httpGet(inD, uriB, vars.AWS_CONTAINER_AUTHORIZATION_TOKEN)).status, 403, 'revoked: refused from the next request on');
    const again = await cli(['grants', 'revoke', id]);
    t.equal(again.code, 1);
    t.match(again.stderr, /no grant g-[0-9a-f]{8}: list them with `sso-agent grants`/);
  });

  await t.test('the env file feeds a container as `docker run --env-file` would', async (t) => {
    const file = join(world.home, 'grant.env');
    const r = await cli(['env', a.profile, '--container', '--out', file, '--format', 'devcontainer']);
    t.equal(r.code, 0, r.stderr);
    t.same(JSON.parse(r.stdout), { runArgs: ['--network=sso-agent', `--env-file=${file}`] });
    t.equal(statSync(file).mode & 0o777, 0o600, 'the env file is private');
    // docker's env-file rules: KEY=VALUE per line, taken literally.
    const vars = Object.fromEntries(readFileSync(file, 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const boto = await run(inC[0] as string, [...inC.slice(1), 'python3', join(PY, 'sts_caller.py'), url, region], clientEnv(vars));
    t.equal(boto.code, 0, boto.stdout + boto.stderr);
    t.match(JSON.parse(boto.stdout), { method: 'container-role', arn: new RegExp(`:${a.accountId}:assumed-role/`) });
    const compose = await cli(['env', a.profile, '--container', '--out', file, '--format', 'compose']);
    t.match(compose.stdout, `env_file: [${JSON.stringify(file)}]`);
    t.match(compose.stdout, /networks:\n {2}sso-agent:\n {4}external: true/);
  });

  await t.test('the address goes away and comes back: the listener follows without a restart', async (t) => {
    const { vars } = await grant(a.profile);
    ns.delHostAddress(`${CONTAINER_ADDR}/24`);
    await waitUntil(async () => (await status()).every((c) => !c.listening), 'the agent notices the address is gone', 15_000);
    ns.addHostAddress(`${CONTAINER_ADDR}/24`);
    await waitUntil(allUp, 'the agent listens again', 15_000);
    const r = await httpGet(inC, vars.AWS_CONTAINER_CREDENTIALS_FULL_URI as string, vars.AWS_CONTAINER_AUTHORIZATION_TOKEN);
    t.equal(r.status, 200, 'the same grant works on the new bind');
  });

  /** Debian's Go SDK v2 in GOPATH mode: one tiny binary per run. Asserts nothing (it runs beside subtests). */
  async function buildGoCaller(): Promise<{ bin?: string; skip?: string; error?: string }> {
    if (spawnSync('go', ['version']).status !== 0) return { skip: 'go is not installed (apt: golang-go golang-github-aws-aws-sdk-go-v2-dev)' };
    const dir = join(world.home, 'go');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(ROOT, 'test/support/go/renewing_caller.go'), join(dir, 'main.go'));
    const bin = join(dir, 'renewing-caller');
    const r = await run('go', ['build', '-o', bin, 'main.go'], {
      ...process.env, GOPATH: '/usr/share/gocode', GO111MODULE: 'off', GOFLAGS: '', GOCACHE: join(dir, 'cache'),
    }, undefined, dir);
    return r.code === 0 ? { bin } : { error: r.stderr };
  }
}
