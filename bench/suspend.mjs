#!/usr/bin/env node
// Suspend and resume with libfaketime: the agent's wall clock jumps 40 min ahead while its
// monotonic clock runs on (FAKETIME_DONT_FAKE_MONOTONIC), as after a laptop's sleep; the
// emulator's clock follows. Measured after the jump: ms until the credential in use is renewed
// (one request right after the jump; at most 15 s waited), and how long the credential served
// 2 s after the jump has left. With BENCH_BASE_MAIN=/path/to/other/dist/cli/main.js the same on
// that build (the "before"). Target: renewed within 2 s, and ≥ 50 min left.
// Needs `npm run build` and libfaketime (apt `faketime`).
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { MAIN, ROOT, privateHome } from './credential-harness.js';
import { row } from './report.js';

const LIB = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1'].find((p) => existsSync(p));
if (!LIB) { console.log('libfaketime is not installed: skipped'); process.exit(0); }
const MIN = 60_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function get(url, headers) {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (r) => { let b = ''; r.on('data', (c) => { b += c; }); r.on('end', () => resolve({ status: r.statusCode, body: b })); }).on('error', reject).end();
  });
}
function cli(main, env, args) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [main, ...args], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (c) => { out += c; });
    p.once('exit', (code) => resolve({ code, out }));
  });
}

async function measure(main, emulatorIndex, label) {
  const { startEmulator } = await import(emulatorIndex);
  let offsetMin = 0;
  const em = await startEmulator({ autoApprove: true, accounts: 1, rolesPerAccount: 1, deviceInterval: 0, tokenTtl: 3600, now: () => Date.now() + offsetMin * MIN });
  const { home, env } = privateHome('sso-agent-bench-suspend-');
  const offsetFile = join(home, 'offset');
  writeFileSync(offsetFile, '+0');
  Object.assign(env, { AWS_ENDPOINT_URL_SSO_OIDC: em.url, AWS_ENDPOINT_URL_SSO: em.url });
  const agentEnv = { ...env, LD_PRELOAD: LIB, FAKETIME_TIMESTAMP_FILE: offsetFile, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' };
  const agent = spawn(process.execPath, [main, 'serve', '--port', '0', '--log-level', 'info'], { env: agentEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve) => { let b = ''; agent.stdout.on('data', (c) => { b += c; if (/"msg":"listening"/.test(b)) resolve(); }); });
    await cli(main, env, ['login', '--session', 's', '--start-url', em.startUrl, '--region', em.region, '--device-code', '--no-browser']);
    const role = JSON.parse((await cli(main, env, ['ls', '--json'])).out)[0];
    const e = JSON.parse((await cli(main, env, ['env', role.profile, '--format', 'json'])).out);
    const fetchCreds = () => get(e.AWS_CONTAINER_CREDENTIALS_FULL_URI, { authorization: e.AWS_CONTAINER_AUTHORIZATION_TOKEN });
    const stats = async () => (await (await fetch(`${em.url}/_emulator/stats`)).json()).calls;
    await fetchCreds();
    const calls = (await stats()).GetRoleCredentials;
    offsetMin = 40;
    writeFileSync(offsetFile, '+40m');
    const t0 = performance.now();
    await fetchCreds();
    let renewedMs = Infinity;
    while (performance.now() - t0 < 15_000) {
      if ((await stats()).GetRoleCredentials > calls) { renewedMs = performance.now() - t0; break; }
      await sleep(20);
    }
    await sleep(Math.max(0, 2000 - (performance.now() - t0)));
    const served = JSON.parse((await fetchCreds()).body);
    const leftMin = (Date.parse(served.Expiration) - (Date.now() + offsetMin * MIN)) / MIN;
    console.log(`${label}: renewed ${renewedMs === Infinity ? 'not within 15 s' : `${renewedMs.toFixed(0)} ms after the jump`}; the credential served 2 s after the jump has ${leftMin.toFixed(1)} min left`);
    return { renewedMs, leftMin };
  } finally {
    agent.kill('SIGKILL');
    await em.close();
    rmSync(home, { recursive: true, force: true });
  }
}

const ours = await measure(MAIN, join(ROOT, 'dist/emulator/index.js'), 'this build');
const base = process.env.BENCH_BASE_MAIN ? await measure(process.env.BENCH_BASE_MAIN, join(process.env.BENCH_BASE_MAIN, '..', '..', 'emulator', 'index.js'), 'base build') : undefined;
row({
  measure: 'credential left after a 40-min wall-clock jump', value: ours.leftMin, unit: 'min', baseline: base ? base.leftMin : 60,
  baselineLabel: base ? 'base build' : 'a fresh credential', ratio: ours.leftMin / (base ? base.leftMin : 60), target: '≥ 50 min, renewed ≤ 2 s',
  ok: ours.leftMin >= 50 && ours.renewedMs <= 2000, note: `renewed after ${ours.renewedMs === Infinity ? '> 15 s' : `${ours.renewedMs.toFixed(0)} ms`}${base ? `; base: ${base.renewedMs === Infinity ? 'not renewed within 15 s' : `${base.renewedMs.toFixed(0)} ms`}` : ''}`,
});
