#!/usr/bin/env node
// Token files with many profiles. (1) A start with BENCH_PROFILES (default 10 000) token files
// already in the runtime folder: ms from spawn to the "listening" line, median of BENCH_RUNS (5).
// (2) A logged-in agent with BENCH_ACCOUNTS × BENCH_ROLES profiles (default 100 × 20): how many
// token files an unchanged `sso-agent sync` rewrites (inode changes within 3 s of its answer).
// With BENCH_BASE_MAIN=/path/to/other/dist/cli/main.js the same on that build (the "before");
// without it, (1) is compared with a start with no token files. Target: listening ≤ 2× the start
// without files; an unchanged sync rewrites 0 files. Needs `npm run build`.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN, ROOT, privateHome } from './credential-harness.js';
import { median, row } from './report.js';

const PROFILES = Number(process.env.BENCH_PROFILES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100);
const ROLES = Number(process.env.BENCH_ROLES ?? 20);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function serve(main, env) {
  const t0 = performance.now();
  const p = spawn(process.execPath, [main, 'serve', '--port', '0', '--log-level', 'info'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise((resolve, reject) => {
    let buf = '';
    p.stdout.on('data', (c) => { buf += c; if (/"msg":"listening"/.test(buf)) resolve(performance.now() - t0); });
    p.once('exit', (code) => reject(new Error(`agent exited ${code}`)));
  });
  return { p, ready, stop: () => new Promise((r) => { if (p.exitCode !== null) r(); else { p.once('exit', r); p.kill('SIGTERM'); } }) };
}

function runCli(main, env, args) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [main, ...args], { env, stdio: 'ignore' });
    p.once('exit', (code) => resolve(code));
  });
}

async function startTime(main, files) {
  const { home, env } = privateHome('sso-agent-bench-tokens-');
  try {
    const dir = join(home, 'xdg', 'tokens');
    mkdirSync(dir, { mode: 0o700 });
    for (let i = 0; i < files; i++) writeFileSync(join(dir, `profile-${i}`), 'old', { mode: 0o600 });
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const a = serve(main, env);
      times.push(await a.ready);
      await a.stop();
    }
    return median(times);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function unchangedSync(main, emulatorIndex) {
  const { startEmulator } = await import(emulatorIndex);
  const em = await startEmulator({ autoApprove: true, accounts: ACCOUNTS, rolesPerAccount: ROLES, deviceInterval: 0 });
  const { home, env } = privateHome('sso-agent-bench-tokens-');
  Object.assign(env, { AWS_ENDPOINT_URL_SSO_OIDC: em.url, AWS_ENDPOINT_URL_SSO: em.url });
  const a = serve(main, env);
  try {
    await a.ready;
    await runCli(main, env, ['login', '--session', 'b', '--start-url', em.startUrl, '--region', em.region, '--device-code', '--no-browser']);
    const dir = join(home, 'xdg', 'tokens');
    const inodes = () => new Map(readdirSync(dir).filter((f) => !f.endsWith('.tmp')).map((f) => [f, statSync(join(dir, f)).ino]));
    let before = new Map();
    for (let i = 0; i < 600; i++) {
      const now = inodes();
      const settled = now.size >= ACCOUNTS * ROLES && [...now].every(([f, ino]) => before.get(f) === ino);
      before = now;
      if (settled) break;
      await sleep(100);
    }
    await runCli(main, env, ['sync']);
    let changed = 0;
    for (let i = 0; i < 30; i++) {
      await sleep(100);
      changed = [...inodes()].filter(([f, ino]) => before.get(f) !== ino).length;
    }
    return changed;
  } finally {
    await a.stop();
    await em.close();
    rmSync(home, { recursive: true, force: true });
  }
}

const ours = { start: await startTime(MAIN, PROFILES), empty: await startTime(MAIN, 0), rewritten: await unchangedSync(MAIN, join(ROOT, 'dist/emulator/index.js')) };
console.log(`this build: listening after ${ours.start.toFixed(0)} ms with ${PROFILES} token files (${ours.empty.toFixed(0)} ms with none); an unchanged sync of ${ACCOUNTS * ROLES} profiles rewrote ${ours.rewritten} files`);
let base;
if (process.env.BENCH_BASE_MAIN) {
  const baseMain = process.env.BENCH_BASE_MAIN;
  base = { start: await startTime(baseMain, PROFILES), rewritten: await unchangedSync(baseMain, join(baseMain, '..', '..', 'emulator', 'index.js')) };
  console.log(`base build: listening after ${base.start.toFixed(0)} ms with ${PROFILES} token files; an unchanged sync rewrote ${base.rewritten} files`);
}
row({
  measure: `serve ready with ${PROFILES} token files`, value: ours.start, unit: 'ms', baseline: base ? base.start : ours.empty,
  baselineLabel: base ? 'base build' : 'no token files', ratio: ours.start / (base ? base.start : ours.empty), target: '≤ 2× no files',
  ok: ours.start <= 2 * ours.empty,
});
row({
  measure: `token files rewritten by an unchanged sync (${ACCOUNTS * ROLES} profiles)`, value: ours.rewritten, unit: 'files',
  baseline: base ? base.rewritten : ACCOUNTS * ROLES, baselineLabel: base ? 'base build' : 'all files',
  ratio: ours.rewritten / Math.max(1, base ? base.rewritten : ACCOUNTS * ROLES), target: '0', ok: ours.rewritten === 0,
});
