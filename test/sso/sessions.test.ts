/**
 * Sessions and names as a person lives with them: restarts, a second session, a typo'd start URL,
 * removing a session, an AWS config edited while the agent runs.
 */
import t from 'tap';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAgentCore } from '../../src/daemon.js';
import { createClientFactory } from '../../src/sso/clients.js';
import { createLogger } from '../../src/logger.js';
import type { AgentCore, CatalogRole } from '../../src/core/types.js';
import { deviceLogin, harness, type Harness } from '../support/sso-harness.js';

/** Another core over the same files: what the agent is after a restart. */
async function restart(h: Harness): Promise<AgentCore> {
  const core = await createAgentCore({
    logger: createLogger({ level: 'silent' }),
    env: h.env,
    settingsFile: join(h.dir, 'settings.json'),
    redirectUri: () => 'http://127.0.0.1:1/oauth/callback',
    clients: createClientFactory({ env: h.env, maxAttempts: 1 }),
    retry: { sleep: async () => {} },
  });
  t.teardown(() => core.close());
  return core;
}

const names = (roles: CatalogRole[], session?: string): string[] =>
  roles.filter((r) => session === undefined || r.session === session).map((r) => r.profile).sort();

async function addedLogin(h: Harness, session: string): Promise<void> {
  const prompt = await h.core.startLogin({ session, startUrl: h.em.startUrl, region: h.em.region, flow: 'device' });
  await h.control('approve', { userCode: prompt.userCode });
  await h.core.waitLogin(session);
}

t.test('after a restart every known profile is listed and answers "needs a login", not "no profile"', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  await deviceLogin(h);
  const before = h.core.listProfiles();
  t.ok(before.length > 0);
  await h.core.close();

  const core = await restart(h);
  t.same(names(core.listProfiles()), names(before), 'ls still lists them, with the same names');
  t.equal(core.listSessions()[0]?.state, 'not-logged-in');
  t.equal(core.listSessions()[0]?.roles, before.length, 'status counts the known roles');
  const first = before[0]!;
  for (const ref of [first.profile, `${first.accountId}:${first.roleName}`]) {
    await t.rejects(core.getCredentials(ref), {
      code: 'LoginRequired',
      message: 'SSO session work needs a login: run `sso-agent login --session work`',
    }, ref);
  }
  const state = await readFile(join(h.dir, 'catalog.json'), 'utf8');
  t.notMatch(state, /token|secret|ASIA/i, 'the state file holds names, not secrets');
});

t.test('adding a second session renames nothing, across restarts; removing it frees only its names', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  await deviceLogin(h);
  const work = names(h.core.listProfiles(), 'work');
  // The same instance added again under another name: every one of its roles clashes.
  await addedLogin(h, 'home');
  t.same(names(h.core.listProfiles(), 'work'), work, 'work keeps every name');
  const home = names(h.core.listProfiles(), 'home');
  t.equal(home.length, work.length);
  for (const n of home) t.match(n, /^home-/, 'the newcomer is the one that gets the longer name');
  await h.core.sync();
  t.same(names(h.core.listProfiles(), 'work'), work, 'a later sync renames nothing');

  await h.core.close();
  const core = await restart(h);
  t.same(names(core.listProfiles(), 'work'), work, 'after a restart: the same names');
  t.same(names(core.listProfiles(), 'home'), home);

  const removed = await core.removeSession('home');
  t.same(removed, { session: 'home', removedProfiles: home.length });
  t.same(names(core.listProfiles()), work, 'only the removed session\'s profiles went');
  t.same(core.listSessions().map((s) => s.name), ['work']);
  const settings = JSON.parse(await readFile(join(h.dir, 'settings.json'), 'utf8'));
  t.same(settings.sessions, [], 'gone from the settings file');
  await t.rejects(core.getCredentials(home[0]!), { code: 'ProfileNotFound' });
  await t.rejects(core.removeSession('home'), { code: 'SessionNotFound' });
});

t.test('a login whose first contact fails saves nothing and renames nothing', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  await deviceLogin(h);
  const before = names(h.core.listProfiles());
  const typo = 'https://d-0000000001.awsapps.com/start';
  await t.rejects(h.core.startLogin({ session: 'typo', startUrl: typo, region: h.em.region, flow: 'device' }), { code: 'InvalidSsoConfiguration' });
  await t.rejects(h.core.startLogin({ startUrl: typo, region: h.em.region, flow: 'device' }), { code: 'InvalidSsoConfiguration' }, 'also without --session');
  t.same(h.core.listSessions().map((s) => s.name), ['work'], 'no session left behind');
  await t.rejects(readFile(join(h.dir, 'settings.json'), 'utf8'), { code: 'ENOENT' }, 'no settings entry');
  t.same(names(h.core.listProfiles()), before, 'no name changed');
  await h.core.close();
  const core = await restart(h);
  t.same(core.listSessions().map((s) => s.name), ['work'], 'nothing comes back after a restart either');
});

t.test('login on an active session says so unless forced; other scopes need a new login', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  t.equal(h.core.alreadyLoggedIn({ session: 'work', flow: 'device' }), undefined, 'never logged in: log in');
  await deviceLogin(h);
  const expires = h.core.listSessions()[0]!.tokenExpiresAt;
  t.same(h.core.alreadyLoggedIn({ session: 'work', flow: 'device' }), { session: 'work', alreadyActive: true, tokenExpiresAt: expires });
  t.same(h.core.alreadyLoggedIn({ flow: 'pkce' }), { session: 'work', alreadyActive: true, tokenExpiresAt: expires }, 'the only session');
  t.ok(h.core.alreadyLoggedIn({ startUrl: `${h.em.startUrl}/`, region: h.em.region, flow: 'pkce' }), 'found by start URL');
  t.equal(h.core.alreadyLoggedIn({ session: 'work', flow: 'device', force: true }), undefined, '--force');
  t.equal(h.core.alreadyLoggedIn({ session: 'work', flow: 'device', scopes: ['sso:account:access', 'codewhisperer:completions'] }), undefined, 'a scope change');
  t.equal(h.core.alreadyLoggedIn({ session: 'other', flow: 'device' }), undefined, 'an unknown session');

  // The scope change itself: a new registration with the new scopes, and a working login.
  const stats = await h.stats();
  const prompt = await h.core.startLogin({ session: 'work', flow: 'device', scopes: ['sso:account:access', 'codewhisperer:completions'] });
  await h.control('approve', { userCode: prompt.userCode });
  await h.core.waitLogin('work');
  t.equal((await h.stats()).RegisterClient, (stats.RegisterClient ?? 0) + 1, 'registered again for the new scopes');
  t.equal(h.core.listSessions()[0]?.state, 'active');
});

t.test('a session from ~/.aws/config is not removed until its section is deleted', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  await deviceLogin(h);
  const err = await h.core.removeSession('work').catch((e: unknown) => e);
  t.match(err, { code: 'SessionInConfigFile', message: /\[sso-session work\] in .*config, which the agent never edits: delete that section/ });
  t.equal(h.core.listSessions()[0]?.state, 'active', 'nothing was dropped');
  await writeFile(h.env.AWS_CONFIG_FILE!, '');
  const removed = await h.core.removeSession('work');
  t.ok(removed.removedProfiles > 0);
  t.same(h.core.listSessions(), []);
  t.same(h.core.listProfiles(), []);
});

t.test('~/.aws/config edited while the agent runs: a new section is found, an edited one used', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  const config = h.env.AWS_CONFIG_FILE!;
  const text = await readFile(config, 'utf8');
  await writeFile(config, text + `[sso-session later]\nsso_start_url = ${h.em.startUrl}\nsso_region = ${h.em.region}\n`);
  await deviceLogin(h, { session: 'later' });
  t.same(h.core.listSessions().map((s) => s.name).sort(), ['later', 'work']);
  await writeFile(config, text.replace(h.em.startUrl, 'https://d-0000000001.awsapps.com/start') + `[sso-session later]\nsso_start_url = ${h.em.startUrl}\nsso_region = ${h.em.region}\n`);
  await h.core.sync('later');
  t.equal(h.core.listSessions().find((s) => s.name === 'work')?.startUrl, 'https://d-0000000001.awsapps.com/start', 'the edit is read at the next command');
  await t.rejects(h.core.startLogin({ session: 'work', flow: 'device' }), { code: 'InvalidSsoConfiguration' }, 'and the next login uses it');
});

t.test('no sessions at all; --start-url without --session; a bad session name', async (t) => {
  const h = await harness({ noConfigSessions: true });
  t.teardown(() => h.close());
  t.same(h.core.listSessions(), []);
  t.same(h.core.listProfiles(), []);
  t.same(await h.core.sync(), [], 'sync with nothing to sync');
  await t.rejects(h.core.startLogin({ flow: 'device' }), { code: 'InvalidInput', message: /no SSO session is configured: run `sso-agent login --start-url URL --region REGION`/ });
  await t.rejects(h.core.startLogin({ session: 'bad name!', startUrl: h.em.startUrl, region: h.em.region, flow: 'device' }),
    { code: 'InvalidInput', message: /"bad name!" is not a usable session name: use up to 64 letters, digits, '\.', '_' and '-', starting with a letter or digit/ });
  await t.rejects(h.core.startLogin({ startUrl: h.em.startUrl, flow: 'device' }), { code: 'InvalidInput', message: /--region/ });

  const prompt = await h.core.startLogin({ startUrl: h.em.startUrl, region: h.em.region, flow: 'device' });
  const name = new URL(h.em.startUrl).hostname.split('.')[0]!.toLowerCase();
  t.equal(prompt.session, name, 'named after the start URL\'s first label');
  const settings = JSON.parse(await readFile(join(h.dir, 'settings.json'), 'utf8'));
  t.same(settings.sessions.map((s: { name: string }) => s.name), [name]);
  await h.control('approve', { userCode: prompt.userCode });
  await h.core.waitLogin(name);
  const again = await h.core.startLogin({ startUrl: h.em.startUrl, region: h.em.region, flow: 'device', force: true });
  t.equal(again.session, name, 'the same start URL finds the same session');
});
