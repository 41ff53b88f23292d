/**
 * The credential_process line `sso-agent config --write` writes where curl exists (the shell
 * client, bin/sso-agent-credential-process.sh), run by the clients that read it: the AWS CLI v1,
 * boto3 and the JS SDK's fromProcess. Each signs STS GetCallerIdentity, which the emulator checks
 * against the secret it issued. Errors reach the client's stderr with the agent's message.
 */
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { fromProcess } from '@aws-sdk/credential-providers';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { isolatedWorld, run, runCli, spawnAgent } from '../support/e2e-harness.js';

const em = await startEmulator({ autoApprove: true, accounts: 2, rolesPerAccount: 2, deviceInterval: 0 });
t.teardown(() => em.close());
const world = isolatedWorld(em.url);
const agent = await spawnAgent(world);
t.teardown(() => agent.stop());
const configFile = world.env.AWS_CONFIG_FILE as string;

const login = await runCli(world, ['login', '--session', 'sh', '--start-url', em.startUrl, '--region', em.region, '--device-code', '--no-browser']);
if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
const roles = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];
const role = roles[3] as CatalogRole;

/** The credential_process value of `[profile NAME]` in the config file. */
function processLine(name: string): string {
  const text = readFileSync(configFile, 'utf8');
  const section = text.split(/^\[/m).find((s) => s.startsWith(`profile ${name}]`)) ?? '';
  return /^credential_process = (.*)$/m.exec(section)?.[1] ?? '';
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const arnOf = (r: CatalogRole) => new RegExp(`^arn:aws:sts::${r.accountId}:assumed-role/AWSReservedSSO_${escapeRe(r.roleName)}_[0-9a-f]+/`);

t.test('config --write writes the shell client where curl exists', async (t) => {
  const w = await runCli(world, ['config', '--write']);
  t.equal(w.code, 0, w.stderr);
  const line = processLine(role.profile);
  t.match(line, /^\/bin\/sh \S*\/bin\/sso-agent-credential-process\.sh \S+ \S*\/dist\/cli\/main\.js credential-process \S+$/);
  // Its answer is what the node entry prints, byte for byte (same cached credentials).
  const viaShell = await run('/bin/sh', ['-c', line], world.env);
  const viaNode = await runCli(world, ['credential-process', role.profile]);
  t.equal(viaShell.code, 0, viaShell.stderr);
  t.equal(viaShell.stdout, viaNode.stdout);
  t.equal(JSON.parse(viaShell.stdout).Version, 1);
});

t.test('aws CLI v1 signs with it', async (t) => {
  const r = await run('aws', ['sts', 'get-caller-identity', '--profile', role.profile, '--endpoint-url', em.url, '--output', 'json'], world.env);
  t.equal(r.code, 0, r.stderr);
  t.match(JSON.parse(r.stdout).Arn, arnOf(role));
});

t.test('boto3 signs with it', async (t) => {
  const py = 'import boto3, sys\nprint(boto3.Session(profile_name=sys.argv[1]).client("sts", endpoint_url=sys.argv[2]).get_caller_identity()["Arn"])';
  const r = await run('python3', ['-c', py, role.profile, em.url], world.env);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout.trim(), arnOf(role));
});

t.test('the JS SDK\'s fromProcess signs with it', async (t) => {
  // fromProcess reads the config and runs the line with this process's environment.
  const saved = { AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE, SSO_AGENT_SOCK: process.env.SSO_AGENT_SOCK };
  process.env.AWS_CONFIG_FILE = configFile;
  process.env.SSO_AGENT_SOCK = world.env.SSO_AGENT_SOCK;
  t.teardown(() => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  });
  const sts = new STSClient({ region: em.region, endpoint: em.url, credentials: fromProcess({ profile: role.profile }), maxAttempts: 1 });
  t.teardown(() => sts.destroy());
  t.match((await sts.send(new GetCallerIdentityCommand({}))).Arn, arnOf(role));
});

t.test('errors: the agent\'s message on stderr and a non-zero exit, through the clients too', async (t) => {
  const line = processLine(role.profile).replace(/credential-process \S+$/, 'credential-process no-such-profile');
  const viaShell = await run('/bin/sh', ['-c', line], world.env);
  const viaNode = await runCli(world, ['credential-process', 'no-such-profile']);
  t.equal(viaShell.code, 1);
  t.equal(viaShell.stdout, '');
  t.equal(viaShell.stderr, viaNode.stderr, 'the same message as the node entry');
  t.match(viaShell.stderr, /no profile named "no-such-profile": list them with `sso-agent ls`/);

  const stopped = await run('/bin/sh', ['-c', processLine(role.profile)], { ...world.env, SSO_AGENT_SOCK: `${world.home}/nothing.sock` });
  t.equal(stopped.code, 1);
  t.match(stopped.stderr, /not running|no agent/i, 'no agent: the node entry says so');

  const broken = `${configFile}-broken`;
  writeFileSync(broken, `[profile broken]\ncredential_process = ${line}\nregion = ${em.region}\n`);
  const aws = await run('aws', ['sts', 'get-caller-identity', '--profile', 'broken', '--endpoint-url', em.url], { ...world.env, AWS_CONFIG_FILE: broken });
  t.not(aws.code, 0);
  t.match(aws.stderr, /no profile named "no-such-profile"/, 'the AWS CLI shows our message');
});
