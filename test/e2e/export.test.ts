/**
 * `sso-agent export PROFILE --format F`: every format is read back by the program that reads it
 * (sh, fish, python-dotenv, botocore's credential_process and credentials-file readers, Python's
 * json for the STS shape; pwsh where installed), and the keys it hands over sign an STS call the
 * emulator verifies. The env, powershell and cmd forms are compared with the AWS CLI v2's own
 * `configure export-credentials` for the same role. Secrets to a terminal need --force.
 */
import t from 'tap';
import type tap from 'tap';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { MAIN, isolatedWorld, loginPkce, run, runCli, spawnAgent } from '../support/e2e-harness.js';

const em = await startEmulator({ autoApprove: true, accounts: 1, rolesPerAccount: 1 });
t.teardown(() => em.close());
const world = isolatedWorld(em.url);
t.teardown(() => rmSync(world.home, { recursive: true, force: true }));
const agent = await spawnAgent(world);
t.teardown(() => agent.stop());

let role: CatalogRole;
let arnRe: RegExp;
/** The process JSON the agent serves: the truth every format must carry. */
let truth: Record<string, string>;

t.before(async () => {
  const login = await loginPkce(world, ['--session', 'exp', '--start-url', em.startUrl, '--region', em.region]);
  if (login.code !== 0) throw new Error(`login: ${login.stderr}`);
  role = (JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[])[0] as CatalogRole;
  arnRe = new RegExp(`^arn:aws:sts::${role.accountId}:assumed-role/AWSReservedSSO_${role.roleName}_[0-9a-f]+/`);
  truth = JSON.parse((await runCli(world, ['credential-process', role.profile])).stdout) as Record<string, string>;
});

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

async function exported(format: string, tt: Pick<typeof t, 'equal'>): Promise<string> {
  const r = await runCli(world, ['export', role.profile, '--format', format]);
  tt.equal(r.code, 0, `export --format ${format} exits 0 ${r.stderr}`);
  return r.stdout;
}

function save(name: string, text: string): string {
  const f = join(world.home, name);
  writeFileSync(f, text, { mode: 0o600 });
  return f;
}

/** The env a reader starts from: the isolated world, with no credentials of any kind. */
const bare = { ...world.env, AWS_DEFAULT_REGION: em.region };

// boto3 from whatever the environment holds: signs GetCallerIdentity at the emulator.
const FROM_ENV = `
import json, os, sys, boto3
s = boto3.session.Session()
c = s.get_credentials()
arn = s.client('sts', endpoint_url=sys.argv[1]).get_caller_identity()['Arn']
print(json.dumps({'method': c.method, 'arn': arn, 'expiration': os.environ.get('AWS_CREDENTIAL_EXPIRATION')}))
`;

t.test('env: a POSIX shell sources it; boto3 signs with the keys', async (t) => {
  const f = save('creds.sh', await exported('env', t));
  const r = await run('sh', ['-c', `. "$1" && exec python3 -c "$2" "$3"`, 'sh', f, FROM_ENV, em.url], bare);
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.equal(out.method, 'env');
  t.match(out.arn, arnRe);
  t.equal(out.expiration, truth.Expiration, 'AWS_CREDENTIAL_EXPIRATION is the keys\' expiry');
});

t.test('fish: `source` reads it', { skip: has('fish') ? false : 'fish is not installed' }, async (t) => {
  const f = save('creds.fish', await exported('fish', t));
  const r = await run('fish', ['-c', `source ${f}; and python3 -c '${FROM_ENV.replace(/'/g, "\\'")}' ${em.url}`], bare);
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.equal(out.method, 'env');
  t.match(out.arn, arnRe);
  t.equal(out.expiration, truth.Expiration);
});

t.test('powershell: pwsh dot-sources it', { skip: has('pwsh') ? false : 'pwsh is not installed (Debian does not package PowerShell)' }, async (t) => {
  const f = save('creds.ps1', await exported('powershell', t));
  const r = await run('pwsh', ['-NoProfile', '-Command', `. '${f}'; python3 -c '${FROM_ENV.replace(/'/g, "''")}' ${em.url}`], bare);
  t.equal(r.code, 0, r.stderr);
  t.match(JSON.parse(r.stdout).arn, arnRe);
});

/**
 * Reads FILE with `read` (a Python expression of `f`, the path, giving a dict of the four values
 * under KEYS), signs with boto3, prints the ARN and the expiration it read.
 */
function signWith(read: string, keys: [string, string, string, string]): string {
  return `
import json, sys, boto3
f = sys.argv[1]
v = ${read}
s = boto3.session.Session(aws_access_key_id=v['${keys[0]}'], aws_secret_access_key=v['${keys[1]}'], aws_session_token=v['${keys[2]}'])
print(json.dumps({'arn': s.client('sts', endpoint_url=sys.argv[2]).get_caller_identity()['Arn'], 'expiration': v['${keys[3]}']}))
`;
}

async function signsAndExpires(t: Pick<typeof tap, 'equal' | 'match'>, py: string, file: string): Promise<void> {
  const r = await run('python3', ['-c', py, file, em.url], bare);
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.match(out.arn, arnRe);
  t.equal(out.expiration, truth.Expiration);
}

t.test('dotenv: python-dotenv reads it; boto3 signs with the values', async (t) => {
  const f = save('creds.env', await exported('dotenv', t));
  const py = signWith("__import__('dotenv').dotenv_values(f)", ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION']);
  await signsAndExpires(t, py, f);
});

t.test('json: the STS shape {"Credentials":{…}}, read as an awsCredentialExport setting reads it', async (t) => {
  const text = await exported('json', t);
  t.same(Object.keys(JSON.parse(text)), ['Credentials']);
  t.same(Object.keys(JSON.parse(text).Credentials), ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
  const f = save('creds.json', text);
  await signsAndExpires(t, signWith("json.load(open(f))['Credentials']", ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']), f);
});

t.test('process: botocore runs a credential_process that prints it', async (t) => {
  const f = save('creds.process.json', await exported('process', t));
  const config = save('config-process', `[profile exported]\ncredential_process = cat ${f}\nregion = ${em.region}\n`);
  const r = await run('python3', ['-c', FROM_ENV, em.url], { ...bare, AWS_CONFIG_FILE: config, AWS_PROFILE: 'exported' });
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.equal(out.method, 'custom-process', 'botocore read it as credential_process output');
  t.match(out.arn, arnRe);
});

t.test('ini: botocore reads the section from a credentials file', async (t) => {
  const text = await exported('ini', t);
  t.match(text, new RegExp(`^\\[${role.profile}\\]\\n# expires ${truth.Expiration}`), 'the section is the profile, the expiry in a comment');
  const f = save('credentials', text);
  const r = await run('python3', ['-c', FROM_ENV, em.url], { ...bare, AWS_SHARED_CREDENTIALS_FILE: f, AWS_PROFILE: role.profile });
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.equal(out.method, 'shared-credentials-file');
  t.match(out.arn, arnRe);
});

/** NAME → value from lines like `export N='v'`, `$Env:N='v'`, `set "N=v"`, `set N=v`, `N=v`. */
function assignments(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^(?:export |\$Env:|set "?|set )?([A-Z_]+)=["']?([^"']*)["']?$/.exec(line.trim());
    if (m) out[m[1] as string] = m[2] as string;
  }
  return out;
}

t.test('env, powershell and cmd carry what the AWS CLI v2\'s `configure export-credentials` prints', { skip: has('/usr/bin/aws') ? false : 'the AWS CLI v2 (/usr/bin/aws) is not installed' }, async (t) => {
  const config = save('config-v2', `[profile via-agent]\ncredential_process = "${process.execPath}" "${MAIN}" credential-process ${role.profile}\n`);
  for (const [ours, theirs] of [['env', 'env'], ['powershell', 'powershell'], ['cmd', 'windows-cmd']] as const) {
    const cli = await run('/usr/bin/aws', ['configure', 'export-credentials', '--profile', 'via-agent', '--format', theirs], { ...bare, AWS_CONFIG_FILE: config });
    t.equal(cli.code, 0, cli.stderr);
    const a = assignments(await exported(ours, t));
    const b = assignments(cli.stdout);
    t.same(Object.keys(a).sort(), Object.keys(b).sort(), `${ours}: the same variables as the AWS CLI's ${theirs}`);
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) t.equal(a[k], b[k], `${ours}: ${k}`);
    t.equal(Date.parse(a.AWS_CREDENTIAL_EXPIRATION ?? ''), Date.parse(b.AWS_CREDENTIAL_EXPIRATION ?? ''), `${ours}: the same expiry instant`);
  }
});

t.test('a terminal gets file formats only with --force; --help says exported keys do not renew', async (t) => {
  const tty = (args: string) => run('script', ['-qec', `"${process.execPath}" "${MAIN}" export ${role.profile} ${args}`, '/dev/null'], bare);
  const refused = await tty('--format json');
  t.equal(refused.code, 1);
  t.match(refused.stdout, /--format json prints secret keys and is meant for a file or a pipe, not a terminal: redirect it .* or pass --force/);
  t.notOk(refused.stdout.includes(truth.SecretAccessKey as string), 'no secret reached the terminal');
  const forced = await tty('--format json --force');
  t.equal(forced.code, 0);
  t.match(forced.stdout, truth.AccessKeyId as string);
  const shell = await tty('--format env');
  t.equal(shell.code, 0, 'the shell forms are for eval: allowed');
  const help = await runCli(world, ['export', '--help']);
  t.match(help.stdout, /Exported keys do NOT renew/);
  const bad = await runCli(world, ['export', role.profile, '--format', 'yaml']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--format takes env, fish, powershell, cmd, dotenv, json, process, ini, not "yaml"/);
});
