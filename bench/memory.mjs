#!/usr/bin/env node
// Resident memory of the agent process (`node dist/cli/main.js serve`), idle after a login:
//  - small: 12 roles (4 accounts × 3), one credential cached; target ≤ 64 MB;
//  - large: 5 000 roles (1 000 accounts × 5), 500 credentials cached; target ≤ 90 MB.
// "Idle" is BENCH_IDLE_MS (default 12 000) without requests: V8's memory reducer shrinks the heap
// about 8 s after activity stops, and that is the process's resting size. The figure right after
// the load is printed too. Baseline in the same run: an idle bare `node` process.
// Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { adminGet, startWorld } from './credential-harness.js';
import { row, rssMb } from './report.js';

const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 12000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function idleRss(pid) {
  const first = await rssMb(pid);
  await sleep(IDLE_MS);
  return { first, idle: await rssMb(pid), waitedMs: IDLE_MS };
}

async function bareNodeRss() {
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("up")'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => bare.stdout.once('data', r));
  const r = await idleRss(bare.pid);
  bare.kill();
  return r.idle;
}

/** Fetches credentials for `profiles` over the admin socket, `parallel` at a time. */
async function cacheCredentials(world, profiles, parallel = 8) {
  const queue = [...profiles];
  await Promise.all(Array.from({ length: parallel }, async () => {
    for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
      const r = await adminGet(world.socket, `/v1/process/${encodeURIComponent(p)}`);
      if (r.status !== 200) throw new Error(`credentials for ${p}: ${r.status} ${r.body}`);
    }
  }));
}

const base = await bareNodeRss();
console.log(`bare node, idle          ${base.toFixed(1)} MB`);

for (const c of [
  { name: 'small', accounts: 4, roles: 3, cached: 1, limit: 64, measure: 'RSS idle after login (12 roles, 1 credential)' },
  { name: 'large', accounts: 1000, roles: 5, cached: 500, limit: 90, measure: 'RSS 5 000 roles, 500 credentials' },
]) {
  const world = await startWorld({ accounts: c.accounts, rolesPerAccount: c.roles });
  try {
    if (world.profiles.length !== c.accounts * c.roles) throw new Error(`expected ${c.accounts * c.roles} profiles, got ${world.profiles.length}`);
    await cacheCredentials(world, world.profiles.slice(0, c.cached).map((p) => p.profile));
    const calls = (await world.stats()).GetRoleCredentials ?? 0;
    const r = await idleRss(world.agent.pid);
    console.log(`${c.name}: ${world.profiles.length} roles, ${calls} credentials fetched; RSS right after ${r.first.toFixed(1)} MB, idle ${r.idle.toFixed(1)} MB (after ${(r.waitedMs / 1000).toFixed(1)} s)`);
    row({ measure: c.measure, value: r.idle, unit: 'MB', baseline: base, baselineLabel: 'bare node', ratio: r.idle / base, target: `≤ ${c.limit} MB`, ok: r.idle <= c.limit, note: `${r.first.toFixed(1)} MB before the heap settled` });
  } finally {
    await world.close();
  }
}
