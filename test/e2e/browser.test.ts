/**
 * The browser part of login and console sign-in in a real browser: Debian's Chromium, headless,
 * driven by playwright-core. The emulator runs without auto-approve, so its /authorize page asks
 * Allow or Deny; `sso-agent login --no-browser` prints the URL and the browser does the rest,
 * landing on the agent's own callback page. Every request the pages make is watched: none may
 * leave for a host that is not loopback. Screenshots of each page go to the test's temp dir
 * (SSO_AGENT_SCREENSHOTS=DIR keeps them).
 */
import t, { type Test } from 'tap';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { isolatedWorld, runCli, spawnAgent, type CliRun } from '../support/e2e-harness.js';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);

const shots = process.env.SSO_AGENT_SCREENSHOTS ?? t.testdir();
mkdirSync(shots, { recursive: true });

const em = await startEmulator({ accounts: 1, rolesPerAccount: 1 });
t.teardown(() => em.close());
const world = isolatedWorld(em.url);
world.env.SSO_AGENT_FEDERATION_URL = `${em.url}/federation`;
const agent = await spawnAgent(world);
t.teardown(() => agent.stop());

const browser: Browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
t.teardown(() => browser.close());

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A fresh context whose every request is recorded; anything not for loopback is aborted and counted. */
async function watchedPage(t: Test): Promise<{ page: Page; foreign: string[]; context: BrowserContext }> {
  const context = await browser.newContext({ viewport: { width: 900, height: 640 } });
  t.teardown(() => context.close());
  const foreign: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || LOOPBACK.has(url.hostname)) return route.continue();
    foreign.push(route.request().url());
    return route.abort();
  });
  return { page: await context.newPage(), foreign, context };
}

/** `sso-agent login --no-browser`; hands the authorize URL it prints to `browse`. */
function login(session: string, browse: (url: string) => Promise<void>): { cli: Promise<CliRun>; browsing: Promise<void> } {
  let resolveUrl: (u: string) => void = () => {};
  let seen = false;
  const url = new Promise<string>((r) => { resolveUrl = r; });
  const cli = runCli(world, ['login', '--pkce', '--no-browser', '--force', '--session', session, '--start-url', em.startUrl, '--region', em.region], {
    onStderr: (text) => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(text);
      if (m && !seen) {
        seen = true;
        resolveUrl(m[1] as string);
      }
    },
  });
  // If the CLI ends before printing a URL, the browsing half must not wait for ever.
  const browsing = new Promise<void>((resolve, reject) => {
    url.then(browse).then(resolve, reject);
    void cli.then((r) => { if (!seen) reject(new Error(`login ended before printing a URL: ${r.stderr}`)); });
  });
  return { cli, browsing };
}

const text = (page: Page): Promise<string> => page.innerText('body');

t.test('Allow: the consent page, then the agent\'s callback page confirms the login and the CLI exits 0', async (t) => {
  const { page, foreign } = await watchedPage(t);
  const { cli, browsing } = login('work', async (url) => {
    await page.goto(url);
    await page.screenshot({ path: join(shots, 'consent.png'), fullPage: true });
    const consent = await text(page);
    t.match(consent, /sso-agent-work/, 'the consent page names the application asking');
    t.match(consent, new RegExp(em.startUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'and the sign-in it is for');
    t.match(consent, /Allow/);
    t.match(consent, /Deny/);
    await Promise.all([page.waitForURL(/\/oauth\/callback\?/), page.getByRole('button', { name: 'Allow' }).click()]);
    await page.waitForLoadState();
  });
  await browsing;
  const r = await cli;
  t.equal(r.code, 0, `login exits 0: ${r.stderr}`);
  t.match(r.stdout, /^Logged in to session work: 1 account, 1 role\.$/m);

  t.equal(new URL(page.url()).port, String(agent.port), 'the browser landed on the agent\'s own port');
  await page.screenshot({ path: join(shots, 'callback-ok.png'), fullPage: true });
  const body = await text(page);
  t.match(await page.title(), /Logged in/);
  t.match(body, /logged in to the SSO session work/i, 'says what happened');
  t.match(body, /close this tab/i, 'and what to do next');
  t.same(foreign, [], 'no request left for a non-loopback host');
});

t.test('console --print: the sign-in URL reaches its destination', async (t) => {
  const landing = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Console landing</title><h1>Console landing page</h1>');
  });
  await new Promise<void>((r) => landing.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => landing.close(() => r())));
  const dest = `http://127.0.0.1:${(landing.address() as AddressInfo).port}/landing?from=console`;

  // The Allow test logged session work in.
  const roles = JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[];
  const r = await runCli(world, ['console', (roles[0] as CatalogRole).profile, '--print', '--destination', dest]);
  t.equal(r.code, 0, r.stderr);
  const { page, foreign } = await watchedPage(t);
  await page.goto(r.stdout.trim());
  t.equal(page.url(), dest, 'the federation redirect ends on the destination');
  t.equal(await page.title(), 'Console landing');
  t.same(foreign, []);
});

t.test('Deny: the callback page says the sign-in was refused and the CLI exits non-zero with the reason', async (t) => {
  const { page, foreign } = await watchedPage(t);
  const { cli, browsing } = login('work', async (url) => {
    await page.goto(url);
    await Promise.all([page.waitForURL(/\/oauth\/callback\?/), page.getByRole('button', { name: 'Deny' }).click()]);
    await page.waitForLoadState();
  });
  await browsing;
  const r = await cli;
  t.equal(r.code, 1, 'login fails');
  t.match(r.stderr, /refused \(access_denied/, 'the CLI reports the refusal');
  t.match(r.stderr, /sso-agent login --session work/, 'and how to try again');
  await page.screenshot({ path: join(shots, 'callback-denied.png'), fullPage: true });
  const body = await text(page);
  t.match(await page.title(), /not completed|failed/i);
  t.match(body, /access_denied/, 'says what happened');
  t.match(body, /sso-agent login --session work/, 'and what to do next');
  t.same(foreign, []);
});
