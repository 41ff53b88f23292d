/**
 * The built `sso-agent config` as a user runs it: a separate process, talking to an admin socket
 * (here a stand-in that serves a fixed catalog, so this does not depend on the agent core), exit
 * codes 0/1/2 and one-line errors on stderr.
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogRole, SessionStatus } from '../../../src/core/types.js';
import { tempDir } from '../../support/temp-dirs.js';

const MAIN = join(import.meta.dirname, '..', '..', '..', 'dist', 'cli', 'main.js');
if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);

const roles: CatalogRole[] = [
  { session: 'work', accountId: '111111111111', accountName: 'Prod', roleName: 'Admin', roleArn: 'arn:aws:iam::111111111111:role/Admin', profile: 'prod-admin', stale: false },
];
const sessions: SessionStatus[] = [
  { name: 'work', startUrl: 'https://w.awsapps.com/start', region: 'eu-west-1', state: 'active', refreshable: true, lastSync: '2026-11-23T09:00:00.000Z', accounts: 1, roles: 1, staleAccounts: 0 },
];

const dir = tempDir(join(tmpdir(), 'sso-agent-cfg-cli-'));
const sock = join(dir, 'agent.sock');
const seen: string[] = [];
const server = createServer((req, res) => {
  seen.push(`${req.method} ${req.url}`);
  res.setHeader('content-type', 'application/json');
  if (req.url === '/v1/profiles') res.end(JSON.stringify(roles));
  else if (req.url === '/v1/status') res.end(JSON.stringify({ agent: { version: '0', pid: 1, port: 1, socket: sock, startedAt: '' }, sessions }));
  else {
    res.statusCode = 404;
    res.end(JSON.stringify({ Code: 'NotFound', Message: 'no such route' }));
  }
});
await new Promise<void>((resolve) => server.listen(sock, resolve));
t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));

function config(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: dir, SSO_AGENT_SOCK: sock, ...extra };
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, 'config', ...args], { env, cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

t.test('writes ~/.aws/config through the admin socket', async (t) => {
  const r = await config(['--write']);
  t.equal(r.code, 0, r.stderr);
  t.ok(seen.includes('GET /v1/profiles') && seen.includes('GET /v1/status'), 'asked the agent for profiles and sessions');
  const text = readFileSync(join(dir, '.aws', 'config'), 'utf8');
  const shellClient = join(MAIN, '..', '..', '..', 'bin', 'sso-agent-credential-process.sh');
  t.match(text, `[profile prod-admin]\ncredential_process = /bin/sh ${shellClient} ${process.execPath} ${MAIN} credential-process prod-admin\nregion = eu-west-1\n`);
});

t.test('errors: one line on stderr, exit 1; bad usage exit 2', async (t) => {
  const bad = join(dir, 'bad-config');
  writeFileSync(bad, '[default]\nregion\n');
  const parse = await config(['--write'], { AWS_CONFIG_FILE: bad });
  t.equal(parse.code, 1);
  t.equal(parse.stderr, `sso-agent: ${bad} cannot be parsed, so it was not changed: line 2: \`region\` is not \`key = value\`, a [section] header or a comment; fix or delete that line\n`);
  t.equal(readFileSync(bad, 'utf8'), '[default]\nregion\n');

  const down = await config([], { SSO_AGENT_SOCK: join(dir, 'nobody.sock') });
  t.equal(down.code, 1);
  t.match(down.stderr, /^sso-agent: the agent is not running .*sso-agent serve.*\n$/);
  t.equal(down.stderr.split('\n').length, 2, 'one line');

  const usage = await config(['--format', 'yaml']);
  t.equal(usage.code, 2);
  t.match(usage.stderr, /^sso-agent: --format takes credential_process or sso-session, not "yaml"\n$/);
});
