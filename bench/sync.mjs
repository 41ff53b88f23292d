#!/usr/bin/env node
// Sync time for 1 000 accounts × 3 roles against the emulator rate-limited to 50 requests/s,
// compared with the floor: the calls a sync needs (ListAccounts pages + one ListAccountRoles per
// account) ÷ 50, less the bucket's initial burst. Also prints the same sync unthrottled as the
// in-run baseline. Needs `npm run build` first.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startEmulator } from '../dist/emulator/index.js';
import { createAgentCore } from '../dist/sso/agent.js';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 1000);
const ROLES = 3;
const RATE = Number(process.env.BENCH_RATE ?? 50);

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
  console.log(`accounts × roles        ${ACCOUNTS} × ${ROLES} (${s.roles} roles synced, ${s.failedAccounts} accounts failed)`);
  console.log(`unthrottled baseline    ${(baseline.durationMs / 1000).toFixed(2)} s`);
  console.log(`rate limit              ${RATE} req/s`);
  console.log(`calls needed / sent     ${needed} / ${sent} (${sent - needed} throttled and retried)`);
  console.log(`floor (calls ÷ rate)    ${(floorMs / 1000).toFixed(2)} s  (${(needed / RATE).toFixed(2)} s without the initial burst)`);
  console.log(`sync time               ${(s.durationMs / 1000).toFixed(2)} s`);
  console.log(`ratio to floor          ${(s.durationMs / floorMs).toFixed(3)}`);
  if (s.roles !== ACCOUNTS * ROLES || s.failedAccounts) process.exitCode = 1;
} finally {
  await core.close();
  await em.close();
  await rm(dir, { recursive: true, force: true });
}
