/**
 * `sso-agent console` end to end: the emulator, the agent as a real process after a PKCE login,
 * and the CLI against the emulator's federation endpoint (SSO_AGENT_FEDERATION_URL). The sign-in
 * URL must redirect where it says; refusals must carry AWS's reason; a profile whose session is
 * logged out must get the same hint as credential-process; without --print, $BROWSER opens it.
 */
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { isolatedWorld, loginPkce, runCli, spawnAgent } from '../support/e2e-harness.js';
import { waitUntil } from '../support/wait-until.js';

const em = await startEmulator({ autoApprove: true, accounts: 1, rolesPerAccount: 2, region: 'eu-west-1' });
t.teardown(() => em.close());
const world = isolatedWorld(em.url);
world.env.SSO_AGENT_FEDERATION_URL = `${em.url}/federation`;
const agent = await spawnAgent(world);
t.teardown(() => agent.stop());

let role: CatalogRole;

async function stats(): Promise<Record<string, number>> {
  return ((await (await fetch(`${em.url}/_emulator/stats`)).json()) as { calls: Record<string, number> }).calls;
}

t.before(async () => {
  const login = await loginPkce(world, ['--session', 'work', '--start-url', em.startUrl, '--region', em.region]);
  if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
  const roles = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];
  role = roles[0] as CatalogRole;
});

t.test('--print: a sign-in URL that the federation endpoint redirects to the console home of the session region', async (t) => {
  const r = await runCli(world, ['console', role.profile, '--print']);
  t.equal(r.code, 0, r.stderr);
  const url = new URL(r.stdout.trim());
  t.equal(`${url.origin}${url.pathname}`, `${em.url}/federation`);
  t.equal(url.searchParams.get('Action'), 'login');
  t.equal(url.searchParams.get('Issuer'), em.startUrl, 'the session ends back at the access portal');
  t.equal(url.searchParams.get('Destination'), 'https://console.aws.amazon.com/console/home?region=eu-west-1');
  const res = await fetch(url, { redirect: 'manual' });
  t.equal(res.status, 302);
  t.equal(res.headers.get('location'), 'https://console.aws.amazon.com/console/home?region=eu-west-1');

  const viaArn = await runCli(world, ['console', `arn:aws:iam::${role.accountId}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${role.roleName}_2f24367c24ca1a37`, '--print', '--region', 'us-west-2', '--duration', '2h']);
  t.equal(viaArn.code, 0, `the role's IAM Identity Center ARN works as PROFILE, with --region and --duration: ${viaArn.stderr}`);
  t.equal(new URL(viaArn.stdout.trim()).searchParams.get('Destination'), 'https://console.aws.amazon.com/console/home?region=us-west-2');

  const dest = await runCli(world, ['console', `${role.accountId}:${role.roleName}`, '--print', '--destination', 'https://console.aws.amazon.com/s3/home?region=eu-west-1']);
  t.equal(dest.code, 0, dest.stderr);
  t.equal((await fetch(dest.stdout.trim(), { redirect: 'manual' })).headers.get('location'), 'https://console.aws.amazon.com/s3/home?region=eu-west-1');
});

t.test('bad input is a usage error naming the fix, and nothing is asked of AWS', async (t) => {
  const before = (await stats()).GetSigninToken ?? 0;
  const cases: Array<[string[], RegExp]> = [
    [['console'], /exactly one PROFILE/],
    [['console', role.profile, '--duration', '13h'], /from 15m to 12h/],
    [['console', role.profile, '--duration', '5m'], /from 15m to 12h/],
    [['console', role.profile, '--destination', 's3/home'], /--destination takes an absolute URL/],
    [['console', role.profile, '--region', 'Mars'], /--region takes an AWS region/],
    [['console', role.profile, '--bogus'], /unknown option --bogus; console accepts --print/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(world, args);
    t.equal(r.code, 2, `${args.join(' ')}: exit 2`);
    t.match(r.stderr, re);
    t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  const unknown = await runCli(world, ['console', 'no-such-profile', '--print']);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /no profile named "no-such-profile".*sso-agent ls/);
  t.equal((await stats()).GetSigninToken ?? 0, before);
});

t.test('a refusal by the federation endpoint is reported with its reason', async (t) => {
  // The agent still holds the credentials; the emulator no longer accepts them.
  const expired = await fetch(`${em.url}/_emulator/expire`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ what: 'credentials' }) });
  t.equal(expired.status, 200);
  const r = await runCli(world, ['console', role.profile, '--print']);
  t.equal(r.code, 1);
  t.match(r.stderr, /^sso-agent: the federation endpoint http:\/\/127\.0\.0\.1:\d+\/federation refused the sign-in \(HTTP 400: Invalid credentials parameter\)\n$/);
  t.equal(r.stdout, '', 'no URL printed');

  const down = await runCli(world, ['console', role.profile, '--print'], { env: { SSO_AGENT_FEDERATION_URL: 'http://127.0.0.1:9/federation' } });
  t.equal(down.code, 1);
  t.match(down.stderr, /could not reach the federation endpoint http:\/\/127\.0\.0\.1:9\/federation/);
});

t.test('without --print the URL goes to $BROWSER', async (t) => {
  const dir = t.testdir();
  const out = join(dir, 'opened');
  const browser = join(dir, 'browser.sh');
  writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > '${out}'\n`, { mode: 0o755 });
  // Fresh credentials: the previous test expired the emulator's copy of the cached ones.
  const other = JSON.parse((await runCli(world, ['ls', '--json'])).stdout)[1] as CatalogRole;
  const r = await runCli(world, ['console', other.profile], { env: { BROWSER: browser } });
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, new RegExp(`Opening the AWS console for ${other.profile}`));
  t.equal(r.stdout, '', 'the URL is a secret: not printed unless asked');
  await waitUntil(() => { try { return readFileSync(out, 'utf8').length > 0; } catch { return false; } }, 'the browser script ran');
  const opened = new URL(readFileSync(out, 'utf8'));
  t.equal(opened.searchParams.get('Action'), 'login');
  t.equal((await fetch(opened, { redirect: 'manual' })).status, 302, 'the URL the browser got signs in');
});

t.test('a logged-out session gives the same login hint as credential-process', async (t) => {
  t.equal((await runCli(world, ['logout', '--session', 'work'])).code, 0);
  const cp = await runCli(world, ['credential-process', role.profile]);
  const c = await runCli(world, ['console', role.profile, '--print']);
  t.equal(c.code, 1);
  t.equal(c.code, cp.code);
  t.match(c.stderr, /sso-agent login --session work/);
  t.equal(c.stderr, cp.stderr, 'word for word');
});
