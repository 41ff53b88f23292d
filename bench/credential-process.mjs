#!/usr/bin/env node
// Median wall time of `node dist/cli/main.js credential-process P` (what every `aws` call with a
// credential_process profile pays) next to `node -e ''` (the floor: starting node at all), same
// run, against a logged-in agent with warm credentials. Needs `npm run build` first.
// BENCH_RUNS (default 21).
import { spawnSync } from 'node:child_process';
import { MAIN, startWorld } from './credential-harness.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, out: r.stdout };
}

const world = await startWorld();
try {
  const args = [MAIN, 'credential-process', world.profile];
  // Warm the agent's cache asynchronously first: the emulator lives in this process, and the
  // timed runs below block it (spawnSync), so they must never need it.
  const warm = await world.cli(['credential-process', world.profile]);
  if (warm.status !== 0) throw new Error(`credential-process failed: ${warm.stderr}`);
  const first = JSON.parse(time(args, world.env).out);
  if (first.Version !== 1) throw new Error('unexpected credential_process output');
  const floor = [];
  const ours = [];
  // Interleaved so drift (other load, CPU frequency) hits both alike.
  for (let i = 0; i < RUNS; i++) {
    floor.push(time(['-e', ''], world.env).ms);
    ours.push(time(args, world.env).ms);
  }
  const mf = median(floor);
  const mo = median(ours);
  console.log(`${RUNS} runs each, median wall time`);
  console.log(`node -e ''                          ${mf.toFixed(1).padStart(7)} ms`);
  console.log(`sso-agent credential-process P      ${mo.toFixed(1).padStart(7)} ms`);
  console.log(`ratio                               ${(mo / mf).toFixed(2)}×  (+${(mo - mf).toFixed(1)} ms over starting node)`);
} finally {
  await world.close();
}
