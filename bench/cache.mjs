#!/usr/bin/env node
// Upstream GetRoleCredentials calls per role per hour when one role is requested every second,
// over simulated hours on a fake clock shared by the agent and the emulator (credentials last
// 3600 s, as a permission set's default). Baseline in the same run: an agent without a cache
// would make one call per request. Needs `npm run build` first.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startEmulator } from '../dist/emulator/index.js';
import { createAgentCore } from '../dist/daemon.js';
import { tsImport } from 'tsx/esm/api';

// The tests' own ManualClock, loaded from its TypeScript (one clock for tests and benches).
const { ManualClock } = await tsImport('../test/support/manual-clock.ts', import.meta.url);

// 7 h: hours 2–7 span whole 30-minute renewal cycles (6 h = 12 cycles), so the steady-state figure is exact.
const HOURS = Number(process.env.BENCH_HOURS ?? 7);
const clock = new ManualClock();
const em = await startEmulator({ port: 0, credentialsTtl: 3600, tokenTtl: 3600, refreshTokenTtl: 30 * 24 * 3600, now: () => clock.now(), autoApprove: true, deviceInterval: 0 });
const dir = await mkdtemp(join(tmpdir(), 'bench-cache-'));
await writeFile(join(dir, 'config'), `[sso-session bench]\nsso_start_url = ${em.startUrl}\nsso_region = ${em.region}\n`);
const env = { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_ENDPOINT_URL_SSO_OIDC: em.url, AWS_ENDPOINT_URL_SSO: em.url };
const core = await createAgentCore({ logger: pino({ level: 'silent' }), env, settingsFile: join(dir, 'settings.json'), redirectUri: () => 'http://127.0.0.1:1/oauth/callback', clock });
const stats = async () => (await (await fetch(`${em.url}/_emulator/stats`)).json()).calls;

try {
  await core.startLogin({ session: 'bench', flow: 'device' });
  await clock.fireNext('device-poll');
  await core.waitLogin('bench');
  const profile = core.listProfiles()[0].profile;
  const perHour = [];
  let requests = 0;
  let minLeftMs = Infinity;
  let slowest = 0;
  for (let h = 0; h < HOURS; h++) {
    const before = (await stats()).GetRoleCredentials ?? 0;
    for (let s = 0; s < 3600; s++) {
      const t0 = performance.now();
      const c = await core.getCredentials(profile);
      slowest = Math.max(slowest, performance.now() - t0);
      minLeftMs = Math.min(minLeftMs, c.expiration - clock.now());
      requests++;
      await clock.advance(1000);
    }
    perHour.push(((await stats()).GetRoleCredentials ?? 0) - before);
  }
  const steady = perHour.slice(1);
  const steadyAvg = steady.reduce((a, b) => a + b, 0) / Math.max(1, steady.length);
  console.log(`requests                ${requests} (1 per simulated second, ${HOURS} h)`);
  console.log(`GetRoleCredentials/h    ${perHour.join(', ')}  (hour 1 includes the first fetch)`);
  console.log(`steady state            ${steadyAvg.toFixed(2)} calls per role per hour (one per 30 min: a role in use is renewed at half its lifetime)`);
  console.log(`baseline without cache  3600 calls per role per hour`);
  console.log(`ratio to baseline       ${(steadyAvg / 3600).toFixed(5)}`);
  console.log(`least time left served  ${(minLeftMs / 60000).toFixed(1)} min (served until 11 min before expiry at the latest)`);
  console.log(`slowest request         ${slowest.toFixed(1)} ms wall (the first, cold fetch)`);
} finally {
  await core.close();
  await em.close();
  await rm(dir, { recursive: true, force: true });
}
