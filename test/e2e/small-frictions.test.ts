/**
 * Small dead ends from a new user's trial, against the real agent and emulator: status with no
 * session, a login naming another region for a known session, a typo in a session name, `ls` with
 * a filter matching nothing, help for an unknown command, console where no browser can open.
 */
import t from 'tap';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { isolatedWorld, loginPkce, runCli, spawnAgent } from '../support/e2e-harness.js';

const em = await startEmulator({ autoApprove: true, accounts: 1, rolesPerAccount: 1 });
t.teardown(() => em.close());
const world = isolatedWorld(em.url);
world.env.SSO_AGENT_FEDERATION_URL = `${em.url}/federation`;
const agent = await spawnAgent(world);
t.teardown(() => agent.stop());

t.test('status with no session at all exits 3 and says how to add one', async (t) => {
  const r = await runCli(world, ['status']);
  t.equal(r.code, 3);
  t.match(r.stdout, /No sessions: add one with `sso-agent login --session NAME --start-url URL --region REGION`/);
});

t.test('help for an unknown command is a usage error with a suggestion', async (t) => {
  const r = await runCli(world, ['help', 'exce']);
  t.equal(r.code, 2);
  t.match(r.stderr, /unknown command "exce" \(did you mean exec\?\)/);
  t.equal(r.stdout, '');
});

t.test('after a login', async (t) => {
  const login = await loginPkce(world, ['--session', 'corp', '--start-url', em.startUrl, '--region', em.region]);
  t.equal(login.code, 0, login.stderr);
  const [role] = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];

  const region = await runCli(world, ['login', '--session', 'corp', '--region', 'ap-southeast-2', '--no-browser']);
  t.equal(region.code, 1);
  t.match(region.stderr, new RegExp(`SSO session corp is in region ${em.region}, not ap-southeast-2: drop --region, or pick another --session name`));
  const same = await runCli(world, ['login', '--session', 'corp', '--region', em.region, '--no-browser']);
  t.equal(same.code, 0, 'the session\'s own region is fine');
  t.match(same.stdout, /already logged in/);

  const typo = await runCli(world, ['sync', '--session', 'crop']);
  t.equal(typo.code, 1);
  t.match(typo.stderr, /no SSO session named "crop" \(did you mean corp\?\)/);
  const lsTypo = await runCli(world, ['ls', '--session', 'corpp']);
  t.match(lsTypo.stderr, /did you mean corp\?/);

  const none = await runCli(world, ['ls', 'no-such-thing']);
  t.equal(none.code, 1, 'a pattern that matches nothing fails');
  t.match(none.stderr, /no profile matches; `sso-agent ls` lists all 1/);
  const names = await runCli(world, ['ls', '--names', '--role', 'Nope*']);
  t.equal(names.code, 1);
  t.equal(names.stdout, '');
  t.equal((await runCli(world, ['ls', role!.profile.slice(0, 4)])).code, 0, 'a match still exits 0');

  const env: NodeJS.ProcessEnv = { ...world.env };
  delete env.DISPLAY;
  delete env.BROWSER;
  const c = await runCli(world, ['console', role!.profile], { env: { DISPLAY: '', BROWSER: '' } });
  t.equal(c.code, 0, c.stderr);
  t.match(c.stderr, /No browser here \((there is no graphical display|this is a container).*\); open this sign-in URL yourself/);
  t.match(c.stdout, /^http:\/\/127\.0\.0\.1:\d+\/federation\?Action=login&/);
  t.notMatch(c.stderr, /Opening/, 'it does not claim to have opened anything');
});
