/**
 * Five real clients, each asked "who am I?" through its own default credential chain: botocore
 * (boto3), the AWS CLI v1 (`aws` on PATH), Debian's AWS CLI v2 (`/usr/bin/aws`), the JS SDK v3
 * (an STSClient with no credentials option) and the Go SDK v2 (Debian's sources, GOPATH mode,
 * built once per run). Each answers the ARN STS GetCallerIdentity (the emulator) saw, or the
 * error. The STS endpoint is passed explicitly: the Debian CLI v2 and Go SDK are older than
 * AWS_ENDPOINT_URL_STS.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, run, type CliRun } from './e2e-harness.js';

export type SignerName = 'boto3' | 'aws-v1' | 'aws-v2' | 'js-v3' | 'go-v2';

export interface Signer { name: SignerName; argv: (stsUrl: string) => string[] }

const BOTO3 = `
import sys, boto3
print(boto3.client('sts', endpoint_url=sys.argv[1]).get_caller_identity()['Arn'])
`;

const JS = `
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
const sts = new STSClient({ endpoint: process.argv[1], maxAttempts: 1 });
const out = await sts.send(new GetCallerIdentityCommand({}));
console.log(out.Arn);
`;

const GO_SOURCES = '/usr/share/gocode';

/** Builds test/support/go/caller.go once into a temp dir; undefined (with why) when Go or the SDK is missing. */
export function buildGoCaller(): { path: string; cleanup: () => void } | { missing: string } {
  if (spawnSync('go', ['version']).status !== 0) return { missing: 'go is not installed (apt-get install golang-go)' };
  if (!existsSync(join(GO_SOURCES, 'src/github.com/aws/aws-sdk-go-v2/service/sts'))) {
    return { missing: 'the Go SDK v2 sources are missing (apt-get install golang-github-aws-aws-sdk-go-v2-dev)' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'sso-agent-go-'));
  copyFileSync(join(dirname(fileURLToPath(import.meta.url)), 'go', 'caller.go'), join(dir, 'caller.go'));
  const out = join(dir, 'caller');
  const built = spawnSync('go', ['build', '-o', out, 'caller.go'], {
    cwd: dir, encoding: 'utf8',
    env: { ...process.env, GOPATH: GO_SOURCES, GO111MODULE: 'off', GOFLAGS: '', GOPROXY: 'off' },
  });
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  if (built.status !== 0) { cleanup(); throw new Error(`go build failed: ${built.stderr}`); }
  return { path: out, cleanup };
}

/** The clients available here; `missing` names those that are not, for a t.skip. */
export function signers(goCaller: string | undefined): { list: Signer[]; missing: string[] } {
  const list: Signer[] = [];
  const missing: string[] = [];
  const has = (cmd: string, args: string[]) => spawnSync(cmd, args).status === 0;
  if (has('python3', ['-c', 'import boto3'])) list.push({ name: 'boto3', argv: (u) => ['python3', '-c', BOTO3, u] });
  else missing.push('boto3 (python3-boto3)');
  if (has('aws', ['--version'])) list.push({ name: 'aws-v1', argv: (u) => ['aws', 'sts', 'get-caller-identity', '--endpoint-url', u, '--query', 'Arn', '--output', 'text'] });
  else missing.push('the AWS CLI v1 (aws)');
  if (existsSync('/usr/bin/aws')) list.push({ name: 'aws-v2', argv: (u) => ['/usr/bin/aws', 'sts', 'get-caller-identity', '--endpoint-url', u, '--query', 'Arn', '--output', 'text'] });
  else missing.push('the AWS CLI v2 (/usr/bin/aws, apt-get install awscli)');
  list.push({ name: 'js-v3', argv: (u) => [process.execPath, '--input-type=module', '-e', JS, u] });
  if (goCaller) list.push({ name: 'go-v2', argv: (u) => [goCaller, u] });
  return { list, missing };
}

export interface Signed { signer: SignerName; arn?: string; error?: string }

/** Runs `prefix + signer argv` in `env` (cwd: the checkout, so the JS SDK resolves) and reads the ARN. */
export async function whoSigned(signer: Signer, stsUrl: string, env: NodeJS.ProcessEnv, prefix: string[] = []): Promise<Signed & { run: CliRun }> {
  const [cmd, ...args] = [...prefix, ...signer.argv(stsUrl)] as [string, ...string[]];
  const r = await run(cmd, args, env, undefined, ROOT);
  const arn = /arn:aws:sts::\d{12}:assumed-role\/\S+/.exec(r.stdout)?.[0];
  return r.code === 0 && arn
    ? { signer: signer.name, arn, run: r }
    : { signer: signer.name, error: `exit ${r.code}: ${lastError(r.stderr)}`, run: r };
}

/** The line of stderr that says what failed (node ends its report with its own version). */
function lastError(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => l.trim() && !/^Node\.js v|^\s+at |NodeVersionSupportWarning/.test(l));
  const line = [...lines].reverse().find((l) => /error|denied|invalid|expired/i.test(l)) ?? lines.pop() ?? '';
  return line.trim().slice(0, 200);
}

/** `123456789012/AWSReservedSSO_Admin_…` → `123456789012/Admin` (account and role, as a person reads them). */
export function accountAndRole(arn: string): string {
  const m = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
  if (!m) return arn;
  const role = /^AWSReservedSSO_(.+)_[0-9a-f]+$/.exec(m[2] ?? '')?.[1] ?? m[2];
  return `${m[1]}/${role}`;
}
