#!/usr/bin/env node
// Two lifecycle figures, in real time against the emulator (needs `npm run build` first):
//  portal  — portal calls (ListAccounts + ListAccountRoles) per 8 h with 1 h tokens on a 1 000-account
//            org. Time is compressed: tokens live BENCH_TOKEN_TTL s (default 20) instead of 3 600, so
//            one token lifetime stands for one hour; the run lasts 8 lifetimes (= 8 h) and the sync
//            interval is scaled the same way (8 h → 8 lifetimes). The login's own sync is not counted.
//  outage  — a hot role (one request every 500 ms) with 120 s credentials through an 80 s outage
//            (fail-rate 1 on every portal and OIDC call): requests, client-visible failures, upstream calls.
// `node bench/lifecycle.mjs [portal|outage] [DIST]` — DIST defaults to ../dist (pass another checkout's
// dist to measure a baseline built from other code).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { pino } from 'pino';

const which = process.argv[2] ?? 'all';
const dist = resolve(process.argv[3] ?? join(fileURLToPath(import.meta.url), '..', '..', 'dist'));
const { startEmulator } = await import(pathToFileURL(join(dist, 'emulator/index.js')).href);
const { createAgentCore } = await import(pathToFileURL(join(dist, 'daemon.js')).href);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function world(emOpts, coreOpts = {}) {
  const em = await startEmulator({ port: 0, deviceInterval: 0, ...emOpts });
  const dir = await mkdtemp(join(tmpdir(), 'bench-life-'));
  await writeFile(join(dir, 'config'), `[sso-session bench]\nsso_start_url = ${em.startUrl}\nsso_region = ${em.region}\nsso_registration_scopes = sso:account:access\n`);
  const env = { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_ENDPOINT_URL_SSO_OIDC: em.url, AWS_ENDPOINT_URL_SSO: em.url };
  const core = await createAgentCore({ logger: pino({ level: process.env.BENCH_LOG ?? 'silent' }), env, settingsFile: join(dir, 'settings.json'), redirectUri: () => 'http://127.0.0.1:1/oauth/callback', ...coreOpts });
  const control = async (path, body) => (await fetch(`${em.url}/_emulator/${path}`, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {})).json();
  const prompt = await core.startLogin({ session: 'bench', flow: 'device' });
  await control('approve', { userCode: prompt.userCode });
  await core.waitLogin('bench');
  return { em, core, control, close: async () => { await core.close(); await em.close(); await rm(dir, { recursive: true, force: true }); } };
}

if (which === 'all' || which === 'portal') {
  const ttl = Number(process.env.BENCH_TOKEN_TTL ?? 20);
  const w = await world({ accounts: 1000, rolesPerAccount: 1, tokenTtl: ttl }, { syncIntervalMs: 8 * ttl * 1000 });
  try {
    const before = (await w.control('stats')).calls;
    await sleep(8 * ttl * 1000 + 500);
    // A listing that started inside the window is counted whole: wait until every one started
    // (10 ListAccounts pages each) has listed its 1 000 accounts, at most 60 s.
    let after;
    for (let i = 0; i < 600; i++) {
      after = (await w.control('stats')).calls;
      const pages = (after.ListAccounts ?? 0) - (before.ListAccounts ?? 0);
      const roles = (after.ListAccountRoles ?? 0) - (before.ListAccountRoles ?? 0);
      if (roles >= Math.ceil(pages / 10) * 1000) break;
      await sleep(100);
    }
    const d = (op) => (after[op] ?? 0) - (before[op] ?? 0);
    const portal = d('ListAccounts') + d('ListAccountRoles');
    console.log(`portal: 1 000 accounts, ${ttl} s tokens standing for 1 h, ${8 * ttl} s standing for 8 h`);
    console.log(`  token refreshes (CreateToken)   ${d('CreateToken')}`);
    console.log(`  listings                        ${Math.ceil(d('ListAccounts') / 10)} (${d('ListAccounts')} ListAccounts pages)`);
    console.log(`  portal calls per 8 h            ${portal}`);
  } finally { await w.close(); }
}

if (which === 'all' || which === 'outage') {
  const w = await world({ accounts: 1, rolesPerAccount: 1, credentialsTtl: 120, tokenTtl: 3600 });
  try {
    const profile = w.core.listProfiles()[0].profile;
    let requests = 0;
    let failures = 0;
    const tick = async () => {
      requests++;
      try { await w.core.getCredentials(profile); } catch { failures++; }
    };
    await tick();
    const run = async (ms) => { const end = Date.now() + ms; while (Date.now() < end) { await tick(); await sleep(500); } };
    await run(20_000);
    const before = (await w.control('stats')).calls.GetRoleCredentials ?? 0;
    await w.control('faults', { failRate: 1 });
    await run(80_000);
    await w.control('faults', { failRate: 0 });
    const during = ((await w.control('stats')).calls.GetRoleCredentials ?? 0) - before;
    await run(15_000);
    console.log('outage: hot role, 120 s credentials, one request per 500 ms, 80 s of fail-rate 1');
    console.log(`  requests                        ${requests}`);
    console.log(`  client-visible failures         ${failures}`);
    console.log(`  upstream GetRoleCredentials     ${during} during the outage`);
  } finally { await w.close(); }
}
