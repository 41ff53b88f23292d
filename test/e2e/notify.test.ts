/**
 * Desktop notices through a real notification path: the agent's notify-send talks to dunst on a
 * private D-Bus session bus (Xvfb for its display) and dbus-monitor reads the Notify calls. The
 * emulator's /_emulator/expire ends the sign-in; 50 tools asking at once make one notice; a click
 * on it (dunstctl) starts one login. Then: a missing notifier, no desktop session, and
 * --notify-command.
 */
import t from 'tap';
import type { Test } from 'tap';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole, SessionStatus } from '../../src/core/types.js';
import { agentGet } from '../support/agent-get.js';
import { isolatedWorld, loginPkce, profileEnv, run, runCli, spawnAgent, type Agent, type World } from '../support/e2e-harness.js';
import { missingDesktopTools, startDesktop } from '../support/desktop.js';
import { waitUntil } from '../support/wait-until.js';

const missing = missingDesktopTools();
if (missing.length) {
  t.test(`desktop notices need ${missing.join(", ")} (dbus, xvfb, dunst, libnotify-bin)`, { skip: true }, () => {});
} else {
  const em = await startEmulator({ autoApprove: true, accounts: 1, rolesPerAccount: 3 });
  t.teardown(() => em.close());

  const expire = async (...what: string[]) => {
    for (const w of what) await fetch(`${em.url}/_emulator/expire`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ what: w }) });
  };
  const createTokens = async () => ((await (await fetch(`${em.url}/_emulator/stats`)).json()) as { calls: Record<string, number> }).calls.CreateToken ?? 0;

  /** An agent logged in to session SESSION, in its own world; `env` is laid over the world's. */
  async function loggedIn(t: Test, session: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ world: World; agent: Agent; roles: CatalogRole[] }> {
    const world = isolatedWorld(em.url);
    t.teardown(() => rmSync(world.home, { recursive: true, force: true }));
    Object.assign(world.env, env);
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete world.env[k];
    const agent = await spawnAgent(world, args);
    t.teardown(() => agent.stop());
    const login = await loginPkce(world, ['--session', session, '--start-url', em.startUrl, '--region', em.region]);
    t.equal(login.code, 0, login.code === 0 ? 'logged in' : `login: ${login.stderr}`);
    const roles = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];
    return { world, agent, roles };
  }

  /** N tools at once asking the TCP route for a role whose credentials the agent never fetched. */
  async function ask(world: World, agent: Agent, role: CatalogRole, n: number): Promise<number[]> {
    const e = await profileEnv(world, role.profile);
    const url = `http://127.0.0.1:${agent.port}/v1/credentials/${role.profile}`;
    const replies = await Promise.all(Array.from({ length: n }, () => agentGet(url, { authorization: e.AWS_CONTAINER_AUTHORIZATION_TOKEN })));
    return replies.map((r) => r.status);
  }

  /** A temp dir removed when the test ends (short, under the temp dir: unix socket paths are short). */
  const scratch = (t: Test): string => {
    const d = mkdtempSync(join(tmpdir(), 'sso-agent-notify-'));
    t.teardown(() => rmSync(d, { recursive: true, force: true }));
    return d;
  };

  const notices = (agent: Agent) => agent.lines.filter((l) => l.includes('"msg":"desktop notice"'));

  t.test('the sign-in ends: 50 tools → one notice on the desktop; its click → one login', async (t) => {
    const dir = scratch(t);
    const desktop = await startDesktop(dir);
    t.teardown(() => desktop.close());
    // The "browser" a click opens: records the URL and follows it as a browser would (the emulator approves at once).
    const opened = join(dir, 'opened.txt');
    const browser = join(dir, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\nexec curl -sfL -o /dev/null "$1"\n`);
    chmodSync(browser, 0o755);

    const { world, agent, roles } = await loggedIn(t, 'notify', { ...desktop.env, BROWSER: browser });
    const [, b, c] = roles as [CatalogRole, CatalogRole, CatalogRole];
    await expire('refreshTokens', 'accessTokens');
    const statuses = await ask(world, agent, b, 50);
    t.same([...new Set(statuses)], [409], 'every tool is told the session needs a login');

    await waitUntil(() => desktop.notifications().some((n) => n.app === 'sso-agent'), 'the notice reaches the notification daemon', 10_000);
    // A marker sent after every request has been answered: once it is on the bus, any second notice would be too.
    await run('notify-send', ['--app-name=marker', 'marker', 'marker'], { ...process.env, ...desktop.env });
    await waitUntil(() => desktop.notifications().some((n) => n.app === 'marker'), 'the marker notification arrives', 10_000);
    const ours = desktop.notifications().filter((n) => n.app === 'sso-agent');
    t.equal(ours.length, 1, 'one notification for 50 requests');
    t.equal(notices(agent).length, 1, 'one notice in the log');
    const n = ours[0]!;
    t.equal(n.title, 'AWS sign-in needed: notify');
    t.equal(n.body, 'SSO session notify: the sign-in has ended (IAM Identity Center refused to renew it). Tools using its roles get no credentials until you run `sso-agent login --session notify` (or click here to log in).');
    t.same(n.actions, ['default', 'Log in'], 'a click is the default action');
    t.comment(`notice: ${n.title} — ${n.body}`);

    const before = await createTokens();
    await desktop.click();
    await waitUntil(async () => {
      const s = JSON.parse((await runCli(world, ['status', '--json'])).stdout) as { sessions: SessionStatus[] };
      return s.sessions[0]?.state === 'active';
    }, 'the login the click started has finished', 20_000);
    t.equal(readFileSync(opened, 'utf8').trim().split('\n').length, 1, 'one browser page opened');
    t.match(readFileSync(opened, 'utf8'), /\/authorize\?response_type=code&client_id=/);
    t.equal(await createTokens() - before, 1, 'one login (one CreateToken)');
    t.same([...new Set(await ask(world, agent, b, 50))], [200], 'the 50 tools get credentials again');

    // The client registration ends: the notice says so.
    await expire('registrations', 'accessTokens');
    t.same([...new Set(await ask(world, agent, c, 5))], [409]);
    await waitUntil(() => desktop.notifications().filter((x) => x.app === 'sso-agent').length === 2, 'a second notice, for the new sign-in\'s end', 10_000);
    const second = desktop.notifications().filter((x) => x.app === 'sso-agent')[1]!;
    t.match(second.body, /the sign-in has ended \(the agent's client registration with IAM Identity Center expired\)/);
  });

  t.test('no notifier installed: no error, no wait; no desktop: nothing at all', async (t) => {
    const dir = scratch(t);
    const desktop = await startDesktop(dir);
    t.teardown(() => desktop.close());
    const empty = join(dir, 'empty-bin');
    mkdirSync(empty);
    const { world, agent, roles } = await loggedIn(t, 'nonotifier', { ...desktop.env, PATH: empty });
    await expire('refreshTokens', 'accessTokens');
    const t0 = Date.now();
    t.same([...new Set(await ask(world, agent, roles[1]!, 10))], [409]);
    t.ok(Date.now() - t0 < 5000, 'answered without waiting on a notifier');
    await waitUntil(() => agent.lines.some((l) => l.includes('notify-send is not installed')), 'the agent says once that there is no notifier', 5000);
    t.equal(agent.lines.filter((l) => l.includes('notify-send is not installed')).length, 1);
    t.equal(agent.lines.filter((l) => /"level":(50|60)/.test(l)).length, 0, 'no error logged');
    t.equal(desktop.notifications().length, 0);

    // A recording notify-send on PATH, but no D-Bus session and no display: it is never run.
    const rec = join(world.home, 'rec-bin');
    mkdirSync(rec);
    const log = join(world.home, 'notify-send.log');
    writeFileSync(join(rec, 'notify-send'), `#!/bin/sh\nprintf '%s|' "$@" >> '${log}'\n`, { mode: 0o755 });
    const headless = await loggedIn(t, 'headless', { PATH: `${rec}:${process.env.PATH}`, DISPLAY: undefined, WAYLAND_DISPLAY: undefined, DBUS_SESSION_BUS_ADDRESS: undefined });
    await expire('refreshTokens', 'accessTokens');
    t.same([...new Set(await ask(headless.world, headless.agent, headless.roles[1]!, 10))], [409]);
    t.ok(headless.agent.lines.some((l) => l.includes('no desktop session')), 'the log says why there are no notices');
    t.notOk(existsSync(log), 'notify-send was never run');
  });

  t.test('a sign-in whose end AWS states: a notice 15 minutes before, once', async (t) => {
    // No refresh token (the login asks only for openid) and a 10-minute token: the end is known and near.
    const short = await startEmulator({ autoApprove: true, accounts: 1, rolesPerAccount: 1, tokenTtl: 600 });
    t.teardown(() => short.close());
    const dir = scratch(t);
    const log = join(dir, 'notices.log');
    const cmd = join(dir, 'notifier.sh');
    writeFileSync(cmd, `#!/bin/sh\nprintf '%s\\n' "$1" "$2" >> '${log}'\n`, { mode: 0o755 });
    const world = isolatedWorld(short.url);
    t.teardown(() => rmSync(world.home, { recursive: true, force: true }));
    const agent = await spawnAgent(world, ['--notify-command', cmd]);
    t.teardown(() => agent.stop());
    const login = await loginPkce(world, ['--session', 'soon', '--start-url', short.startUrl, '--region', short.region, '--scopes', 'openid']);
    t.equal(login.code, 0, login.code === 0 ? 'logged in' : login.stderr);
    await waitUntil(() => existsSync(log), 'the notice', 5000);
    const [title, body] = readFileSync(log, 'utf8').split('\n');
    t.match(title, /^AWS sign-in ends in (9|10) min: soon$/);
    t.match(body, /^SSO session soon: the sign-in ends at \d\d:\d\d UTC\. To keep tools working, run `sso-agent login --session soon` before then\.$/);
    t.equal(notices(agent).length, 1, 'once');
  });

  t.test('--notify-command gets the title and the text; --no-notify runs nothing', async (t) => {
    const dir = scratch(t);
    const log = join(dir, 'notices.log');
    const cmd = join(dir, 'my notifier.sh');
    writeFileSync(cmd, `#!/bin/sh\nprintf '%s\\n' "$1" "$2" "--" >> '${log}'\n`, { mode: 0o755 });
    const { world, agent, roles } = await loggedIn(t, 'custom', {}, ['--notify-command', `'${cmd}'`]);
    await expire('refreshTokens', 'accessTokens');
    t.same([...new Set(await ask(world, agent, roles[1]!, 20))], [409]);
    await waitUntil(() => existsSync(log) && readFileSync(log, 'utf8').includes('--'), 'the command ran', 5000);
    t.equal(readFileSync(log, 'utf8'), 'AWS sign-in needed: custom\nSSO session custom: the sign-in has ended (IAM Identity Center refused to renew it). Tools using its roles get no credentials until you run `sso-agent login --session custom`.\n--\n');

    const quiet = await loggedIn(t, 'quiet', {}, ['--notify-command', `'${cmd}'`, '--no-notify']);
    await expire('refreshTokens', 'accessTokens');
    t.same([...new Set(await ask(quiet.world, quiet.agent, quiet.roles[1]!, 5))], [409]);
    t.ok(quiet.agent.lines.some((l) => l.includes('notifications are off')));
    t.notMatch(readFileSync(log, 'utf8'), /quiet/, 'nothing ran for the quiet agent');
  });
}
