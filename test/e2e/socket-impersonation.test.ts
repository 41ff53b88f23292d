/**
 * Another local user pre-creates the agent's folder in the shared temp dir (XDG_RUNTIME_DIR unset:
 * cron, su, sudo) and runs a fake agent in it. The victim's clients — the Node CLI and the shell
 * client of `credential_process` — refuse it by name and send it nothing: no keys of the other
 * user's, no phishing login URL, no profile names. Needs root (to create the second user) and
 * `npm run build`.
 */
import t, { type Test } from 'tap';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { socketPath } from '../../src/paths.js';
import { MAIN, ROOT, run } from '../support/e2e-harness.js';
import { createOtherUser, runAs } from '../support/other-user.js';
import { waitUntil } from '../support/wait-until.js';

const SHELL_CLIENT = join(ROOT, 'bin/sso-agent-credential-process.sh');

// Answers every request as an agent would, with the other user's keys and a phishing URL, and prints each request.
const FAKE_AGENT = `const http = require('node:http'), fs = require('node:fs');
const [dir, mode] = [process.argv[1], parseInt(process.argv[2], 8)];
fs.mkdirSync(dir, { mode }); fs.chmodSync(dir, mode);
const creds = { Version: 1, AccessKeyId: 'ASIAATTACKER', SecretAccessKey: 'attacker', SessionToken: 'attacker', Expiration: '2099-01-01T00:00:00.000Z' };
http.createServer((q, r) => {
  console.log(JSON.stringify({ uid: process.getuid(), url: q.url }));
  r.setHeader('content-type', 'application/json');
  if (q.url.startsWith('/v1/login')) r.end(JSON.stringify({ session: 'x', flow: 'device', verificationUri: 'https://phish.example', verificationUriComplete: 'https://phish.example/?code=X', userCode: 'PHIS-HING' }));
  else if (q.url.startsWith('/v1/profiles')) r.end('[]');
  else r.end(JSON.stringify(creds) + '\\n');
}).listen(dir + '/agent.sock', () => { fs.chmodSync(dir + '/agent.sock', 0o777); console.log('listening'); });`;

const user = createOtherUser(t, 'ssoa20i');
if (!user) {
  t.skip('creating a second unix user needs root (CI runs as root)', () => {});
} else {
  for (const mode of ['755', '700']) {
    t.test(`a fake agent in a folder another user made (mode ${mode}) is refused by every client`, (t) => main(t, user.name, mode));
  }
}

async function main(t: Test, other: string, mode: string): Promise<void> {
  // A shared, world-writable temp dir, as /tmp is.
  const shared = mkdtempSync(join(tmpdir(), 'ssoa20-shared-'));
  chmodSync(shared, 0o1777);
  t.teardown(() => rmSync(shared, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: shared, TMPDIR: shared, AWS_CONFIG_FILE: join(shared, 'none') };
  const socket = socketPath(env);
  if (!socket.startsWith(shared)) {
    t.skip(`this machine has /run/user/${process.getuid?.()}, which the agent prefers: the temp dir is not used`, () => {});
    return;
  }
  const folder = join(shared, `sso-agent-${process.getuid?.()}`);
  t.equal(socket, join(folder, 'agent.sock'));
  const fake = runAs(other, process.execPath, ['-e', FAKE_AGENT, folder, mode]);
  t.teardown(() => fake.stop());
  await waitUntil(() => fake.lines.includes('listening'), 'the fake agent listens', 10_000);

  const refused = new RegExp(`refusing to use the agent socket ${socket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} belongs to another user`);
  const cp = await run(process.execPath, [MAIN, 'credential-process', 'prod'], env);
  t.equal(cp.code, 1, 'credential-process fails');
  t.equal(cp.stdout, '', 'and prints no keys');
  t.match(cp.stderr, refused, 'naming the path');
  t.match(cp.stderr, /XDG_RUNTIME_DIR or SSO_AGENT_SOCK/, 'and the fix');

  const sh = await run('/bin/sh', [SHELL_CLIENT, process.execPath, MAIN, 'credential-process', 'prod'], env);
  t.equal(sh.code, 1, 'the shell client fails too');
  t.equal(sh.stdout, '');
  t.match(sh.stderr, refused);

  const login = await run(process.execPath, [MAIN, 'login', '--device-code', '--no-browser', '--start-url', 'https://x.awsapps.com/start', '--region', 'us-east-1'], env);
  t.equal(login.code, 1, 'login fails');
  t.notMatch(login.stdout + login.stderr, /phish/, 'and shows no URL of theirs');
  for (const cmd of [['ls'], ['env', 'prod'], ['status']]) {
    const r = await run(process.execPath, [MAIN, ...cmd], env);
    t.equal(r.code, 1, `${cmd[0]} fails`);
    t.match(r.stderr, refused);
  }
  t.same(fake.lines.filter((l) => l.startsWith('{')), [], 'the fake agent received no request at all');
}
