/**
 * A full run — PKCE login, device-code login, listing, env, container credentials, credential
 * process, a token refresh, sync, refused requests, logout, shutdown — with HOME, XDG_RUNTIME_DIR
 * and TMPDIR inside one temp folder. Afterwards no secret the emulator ever issued (client
 * secrets, device and auth codes, access and refresh tokens, secret keys, session tokens) and no
 * profile token may appear in the agent's log or in any file under that folder.
 */
import t from 'tap';
import { readFileSync, statSync } from 'node:fs';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { agentGet } from '../support/agent-get.js';
import { filesUnder } from '../support/files-under.js';
import { waitUntil } from '../support/wait-until.js';
import { isolatedWorld, loginPkce, profileEnv, runCli, spawnAgent } from '../support/e2e-harness.js';


t.test('no issued secret in the log or any file after a full run', async (t) => {
  // 2 s access tokens: the agent refreshes them with the refresh token about every second.
  const em = await startEmulator({ autoApprove: true, accounts: 2, rolesPerAccount: 2, tokenTtl: 2 });
  t.teardown(() => em.close());
  const world = isolatedWorld(em.url);
  const agent = await spawnAgent(world);
  t.teardown(() => agent.stop());

  const pkce = await loginPkce(world, ['--session', 'leak', '--start-url', em.startUrl, '--region', em.region]);
  t.equal(pkce.code, 0, pkce.stderr);
  const device = await runCli(world, ['login', '--session', 'leak', '--device-code', '--no-browser']);
  t.equal(device.code, 0, device.stderr);

  const roles = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];
  t.ok(roles.length >= 2);
  const role = roles[0] as CatalogRole;
  t.equal((await runCli(world, ['status'])).code, 0);
  const vars = await profileEnv(world, role.profile);
  const served = (await agentGet(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, { authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN })).json() as { SecretAccessKey: string; SessionToken?: string; Token: string; AccessKeyId: string };
  t.type(served.SecretAccessKey, 'string');
  const proc = JSON.parse((await runCli(world, ['credential-process', (roles[1] as CatalogRole).profile])).stdout);
  t.type(proc.SessionToken, 'string');

  // Refused requests log too: a wrong token, an unknown profile, a bad Host.
  await agentGet(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, { authorization: 'wrong-token-value' });
  await agentGet(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI.replace(role.profile, 'nope'), { authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN });
  // Wait for a refresh (2 s tokens: one comes within about a second), so its log lines are checked too.
  const createTokens = async (): Promise<number> => ((await (await fetch(`${em.url}/_emulator/stats`)).json()) as { calls: Record<string, number> }).calls.CreateToken ?? 0;
  const before = await createTokens();
  await waitUntil(async () => (await createTokens()) > before, 'the agent refreshed its token', 15_000);
  await fetch(`${em.url}/_emulator/expire`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ what: 'credentials' }) });
  const sync = await runCli(world, ['sync']);
  t.equal(sync.code, 0, `sync after expiry: ${sync.stderr}`);
  await agentGet(vars.AWS_CONTAINER_CREDENTIALS_FULL_URI, { authorization: vars.AWS_CONTAINER_AUTHORIZATION_TOKEN });
  t.equal((await runCli(world, ['logout', '--all'])).code, 0);
  const stopped = await agent.stop();
  t.equal(stopped.code, 0);

  const { secrets } = await (await fetch(`${em.url}/_emulator/secrets`)).json() as { secrets: string[] };
  t.ok(secrets.length >= 10, `the emulator issued ${secrets.length} secrets`);
  t.ok(secrets.includes(served.SecretAccessKey), 'the list really holds what the agent served (the check can fail)');
  t.ok(secrets.includes(proc.SessionToken));
  const ours = [vars.AWS_CONTAINER_AUTHORIZATION_TOKEN];

  const log = agent.lines.join('\n') + '\n' + agent.stderr();
  t.ok(agent.lines.length > 10, `the log has ${agent.lines.length} lines to check`);
  t.ok(agent.lines.every((l) => { try { JSON.parse(l); return true; } catch { return false; } }), 'every stdout line is JSON');
  for (const s of [...secrets, ...ours]) {
    if (log.includes(s)) t.fail(`a secret (${s.slice(0, 4)}…) is in the agent's log`);
  }

  const files = filesUnder(world.home);
  t.ok(files.some((f) => f.endsWith('settings.json')), 'the settings file was written (and is checked)');
  t.notOk(files.some((f) => f.endsWith('token.key')), 'no agent key on disk');
  const tokenFiles = files.filter((f) => /\/sso-agent\/tokens\/[^/]+$/.test(f));
  t.ok(tokenFiles.length > 0, 'the token files are there (and are checked for AWS secrets)');
  for (const f of files) {
    const text = readFileSync(f).toString('latin1');
    // A token file holds the profile's agent token by design (0600, private runtime dir); no AWS secret.
    const forbidden = tokenFiles.includes(f) ? secrets : [...secrets, ...ours];
    if (tokenFiles.includes(f)) t.equal(statSync(f).mode & 0o777, 0o600, `${f} is 0600`);
    for (const s of forbidden) {
      if (text.includes(s)) t.fail(`a secret (${s.slice(0, 4)}…) is in ${f}`);
    }
  }
  t.pass(`checked ${agent.lines.length} log lines and ${files.length} files against ${secrets.length + ours.length} secrets`);
});
