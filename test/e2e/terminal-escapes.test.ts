/**
 * Text other people control reaches no terminal raw: an account name a member account's owner set
 * to escape sequences (retitle the terminal, clear the screen), and an `error_description` on the
 * OAuth callback. `ls`, `login` and the agent's log show the printable text only.
 * The portal is the emulator behind a proxy that renames the first account, as its owner could.
 * Needs `npm run build`.
 */
import t from 'tap';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { startEmulator } from '../../src/emulator/index.js';
import { isolatedWorld, runCli, spawnAgent } from '../support/e2e-harness.js';
import { agentGet } from '../support/agent-get.js';
import { waitUntil } from '../support/wait-until.js';

const EVIL = '\u001b]0;pwned\u0007\u001b[2JEvil\u009b31mCorp\u202e';
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;

t.test('an account name and a callback error with escape sequences are printed and logged without them', async (t) => {
  const em = await startEmulator({ autoApprove: true, accounts: 2, rolesPerAccount: 1, deviceInterval: 0 });
  t.teardown(() => em.close());
  const target = new URL(em.url);
  // The portal as a hostile member-account owner makes it look: ListAccounts names the first account EVIL.
  const proxy = createServer((req, res) => {
    const up = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        let body = Buffer.concat(chunks).toString('utf8');
        if (req.url?.startsWith('/assignment/accounts') && r.statusCode === 200) {
          const j = JSON.parse(body) as { accountList: Array<{ accountName: string }> };
          if (j.accountList[0]) j.accountList[0].accountName = EVIL;
          body = JSON.stringify(j);
        }
        const headers = { ...r.headers };
        delete headers['content-length'];
        res.writeHead(r.statusCode ?? 500, headers).end(body);
      });
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  t.teardown(() => proxy.close());
  const world = isolatedWorld(em.url);
  world.env.AWS_ENDPOINT_URL_SSO = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  t.teardown(() => rmSync(world.home, { recursive: true, force: true }));
  const agent = await spawnAgent(world);
  t.teardown(() => agent.stop());

  const login = await runCli(world, ['login', '--session', 'x', '--start-url', em.startUrl, '--region', em.region, '--device-code', '--no-browser']);
  t.equal(login.code, 0, 'logged in', { stderr: login.stderr });
  const ls = await runCli(world, ['ls']);
  t.equal(ls.code, 0);
  t.match(ls.stdout, /\]0;pwned\[2JEvil31mCorp/, 'the printable text of the name is shown');
  t.notMatch(ls.stdout, CONTROL, 'no control character reaches the terminal through ls');
  const json = await runCli(world, ['ls', '--json']);
  t.notMatch(JSON.stringify(JSON.parse(json.stdout)), /\\u001b|\\u0007|\\u009b|\\u202e/, 'nor through ls --json');

  // A PKCE login; the callback comes back with an error whose description is escape sequences.
  let url = '';
  const pending = runCli(world, ['login', '--pkce', '--no-browser', '--session', 'x', '--force'], {
    onStderr: (text) => { url ||= /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(text)?.[1] ?? ''; },
  });
  await waitUntil(() => url !== '', 'login printed the authorize URL', 30_000);
  const state = new URL(url).searchParams.get('state') ?? '';
  const cb = await agentGet(`http://127.0.0.1:${agent.port}/oauth/callback?state=${encodeURIComponent(state)}&error=access_denied&error_description=${encodeURIComponent(EVIL)}`);
  t.equal(cb.status >= 400, true, 'the callback reports the refusal');
  const refused = await pending;
  t.equal(refused.code, 1);
  t.match(refused.stderr, /was refused \(access_denied: \]0;pwned\[2JEvil31mCorp\)/);
  t.notMatch(refused.stderr, CONTROL, 'no control character reaches the terminal through login');
  t.notOk(agent.lines.some((l) => /\\u001b|\\u0007|\\u009b|\\u202e/.test(l)), 'nor the agent\'s log');
});
