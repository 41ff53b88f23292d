#!/usr/bin/env node
// A local flood on the TCP port: IDLE connections that never send a byte (more than the agent's
// descriptors: it runs under `prlimit --nofile=1024`) and FLOOD connections pipelining requests.
// Measured: the worst and median time of 20 plain GET /health requests (one every 250 ms, each
// given 10 s) and whether `sso-agent status` (the admin socket) answers, during the flood. With
// BENCH_BASE_MAIN=/path/to/other/dist/cli/main.js the same is measured on that build too (the
// "before"); without it, the baseline is this agent's worst request with no flood.
// Target: median request during the flood ≤ 500 ms, every request answered, status answers.
// Needs `npm run build` and prlimit (util-linux).
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN, ROOT, privateHome } from './credential-harness.js';
import { median, row } from './report.js';

const IDLE = Number(process.env.BENCH_IDLE ?? 1500);
const FLOOD = Number(process.env.BENCH_FLOOD ?? 16);
const REQUESTS = 20;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function health(port) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const q = request({ host: '127.0.0.1', port, path: '/health', headers: { host: `127.0.0.1:${port}` } }, (r) => {
      r.resume();
      r.on('end', () => resolve(r.statusCode === 200 ? performance.now() - t0 : Infinity));
    });
    q.on('error', () => resolve(Infinity));
    q.setTimeout(10_000, () => { q.destroy(); resolve(Infinity); });
    q.end();
  });
}

function runCli(main, env, args) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [main, ...args], { env, stdio: 'ignore' });
    const timer = setTimeout(() => p.kill('SIGKILL'), 15_000);
    p.once('exit', (code) => { clearTimeout(timer); resolve({ code, ms: performance.now() - t0 }); });
  });
}

async function measure(main, label) {
  const { home, env } = privateHome('sso-agent-bench-flood-');
  const agent = spawn('prlimit', ['--nofile=1024:1024', '--', process.execPath, main, 'serve', '--port', '0', '--log-level', 'info'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let flood;
  try {
    const port = await new Promise((resolve, reject) => {
      let buf = '';
      agent.stdout.on('data', (c) => { buf += c; const m = /"msg":"listening".*?"port":(\d+)|"port":(\d+).*?"msg":"listening"/.exec(buf); if (m) resolve(Number(m[1] ?? m[2])); });
      agent.once('exit', (code) => reject(new Error(`agent exited ${code}`)));
    });
    const quiet = [];
    for (let i = 0; i < REQUESTS; i++) quiet.push(await health(port));
    flood = spawn(process.execPath, [join(ROOT, 'test/support/flood.cjs'), String(port), String(IDLE), String(FLOOD)], { stdio: 'ignore' });
    await sleep(2000);
    const during = [];
    for (let i = 0; i < REQUESTS; i++) { during.push(await health(port)); await sleep(250); }
    const status = await runCli(main, env, ['status']);
    const failed = during.filter((x) => x === Infinity).length;
    if (process.env.BENCH_VERBOSE) console.log(label, during.map((x) => x.toFixed(0)).join(" "));
    console.log(`${label}: quiet worst ${Math.max(...quiet).toFixed(1)} ms; during the flood median ${median(during).toFixed(1)} ms, worst ${Math.max(...during).toFixed(1)} ms, ${failed}/${REQUESTS} without an answer in 10 s; status exit ${status.code} in ${status.ms.toFixed(0)} ms`);
    return { quietWorst: Math.max(...quiet), quietMedian: median(quiet), median: median(during), worst: Math.max(...during), failed, statusOk: status.code === 0 };
  } finally {
    flood?.kill('SIGKILL');
    agent.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  }
}

console.log(`${IDLE} idle + ${FLOOD} pipelining connections against an agent limited to 1024 descriptors`);
const ours = await measure(MAIN, 'this build');
const base = process.env.BENCH_BASE_MAIN ? await measure(process.env.BENCH_BASE_MAIN, 'base build') : undefined;
const baseline = base ? base.median : ours.quietMedian;
row({
  measure: 'GET /health during a local flood, median of 20', value: ours.median, unit: 'ms', baseline, baselineLabel: base ? 'base build' : 'no flood',
  ratio: ours.median / baseline, target: '≤ 500 ms, all answered, status answers', ok: ours.median <= 500 && ours.failed === 0 && ours.statusOk,
  note: `worst ${ours.worst.toFixed(0)} ms, ${ours.failed}/${REQUESTS} unanswered, status ${ours.statusOk ? 'answered' : 'failed'}${base ? `; base build: ${base.failed}/${REQUESTS} unanswered, status ${base.statusOk ? 'answered' : 'failed'}` : ''}`,
});
