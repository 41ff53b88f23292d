#!/usr/bin/env node
// Sync time behind a portal rate limit R, for R = 5, 20 and 100 requests/s, compared with the
// floor: the calls a sync needs (ListAccounts pages + one ListAccountRoles per account) ÷ R, less
// the bucket's initial burst of R calls. Target ≤ 1.1× the floor with 0 failed accounts. The
// organisation has 3 roles per account and 1 000 accounts, scaled down where the floor would be
// long (BENCH_SYNC_PLAN, default "5:100,20:400,100:1000" = rate:accounts): at R = 5 a 1 000-account
// sync takes 200 s by arithmetic alone, and 100 accounts (20 s) exercise the same pacing. The
// login's own unthrottled sync is printed as the in-run baseline. Needs `npm run build` first.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startEmulator } from '../dist/emulator/index.js';
import { createAgentCore } from '../dist/daemon.js';
import { row } from './report.js';

const ROLES = 3;
const PLAN = (process.env.BENCH_SYNC_PLAN ?? '5:100,20:400,100:1000').split(',').map((p) => p.split(':').map(Number));

for (const [RATE, ACCOUNTS] of PLAN) {
  const em = await startEmulator({ port: 0, accounts: ACCOUNTS, rolesPerAccount: ROLES, autoApprove: true, deviceInterval: 0 });
  const dir = await mkdtemp(join(tmpdir(), 'bench-sync-'));
  await writeFile(join(dir, 'config'), `[sso-session bench]\nsso_start_url = ${em.startUrl}\nsso_region = ${em.region}\n`);
  const env = { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_ENDPOINT_URL_SSO_OIDC: em.url, AWS_ENDPOINT_URL_SSO: em.url };
  const core = await createAgentCore({ logger: pino({ level: 'silent' }), env, settingsFile: join(dir, 'settings.json'), redirectUri: () => 'http://127.0.0.1:1/oauth/callback' });
  const control = async (path, body) => (await fetch(`${em.url}/_emulator/${path}`, body ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {})).json();
  try {
    await core.startLogin({ session: 'bench', flow: 'device' });
    const baseline = await core.waitLogin('bench'); // the login's own sync, no rate limit
    await control('stats/reset', {});
    await control('faults', { rateLimit: RATE });
    const [s] = await core.sync('bench');
    const { calls } = await control('stats');
    const pages = Math.ceil(ACCOUNTS / 100);
    const needed = pages + ACCOUNTS;
    const floorMs = Math.max(0, (needed - RATE) / RATE) * 1000; // the bucket starts full: RATE calls free
    const sent = (calls.ListAccounts ?? 0) + (calls.ListAccountRoles ?? 0);
    const ratio = s.durationMs / floorMs;
    console.log(`R = ${RATE}/s: ${ACCOUNTS} × ${ROLES} (${s.roles} roles synced, ${s.failedAccounts} accounts failed); unthrottled ${(baseline.durationMs / 1000).toFixed(2)} s; calls needed/sent ${needed}/${sent} (${sent - needed} throttled and retried); floor ${(floorMs / 1000).toFixed(2)} s; sync ${(s.durationMs / 1000).toFixed(2)} s`);
    const ok = ratio <= 1.1 && s.failedAccounts === 0 && s.roles === ACCOUNTS * ROLES;
    row({ measure: `sync ${ACCOUNTS} accounts × 3 at R = ${RATE}/s`, value: s.durationMs / 1000, unit: 's', baseline: floorMs / 1000, baselineLabel: 'calls ÷ R', ratio, target: '≤ 1.1×, 0 failed', ok, note: `${s.failedAccounts} failed accounts, ${sent - needed} throttled` });
  } finally {
    await core.close();
    await em.close();
    await rm(dir, { recursive: true, force: true });
  }
}
