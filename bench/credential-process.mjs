#!/usr/bin/env node
// Median wall time of the credential_process line exactly as `sso-agent config --write` writes it
// (what every `aws` call with such a profile pays), run with `sh -c` as the JS and Go SDKs do,
// next to `curl --unix-socket` fetching the same JSON from the agent's admin socket (the floor of
// any client) and `node -e ''` (the floor of any Node entry), interleaved in the same run, against
// a logged-in agent with warm credentials. The node entry (`node dist/cli/main.js
// credential-process P`) is printed too. Needs `npm run build` first. BENCH_RUNS (default 21).
import { readFileSync } from 'node:fs';
import { MAIN, startWorld } from './credential-harness.js';
import { median, row, timed as time } from './report.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);

const world = await startWorld();
try {
  // Warm the agent's cache asynchronously first: the emulator lives in this process, and the
  // timed runs below block it (spawnSync), so they must never need it.
  const warm = await world.cli(['credential-process', world.profile]);
  if (warm.status !== 0) throw new Error(`credential-process failed: ${warm.stderr}`);
  const written = await world.cli(['config', '--write']);
  if (written.status !== 0) throw new Error(`config --write failed: ${written.stderr}`);
  const text = readFileSync(world.env.AWS_CONFIG_FILE, 'utf8');
  const section = text.split(/^\[/m).find((s) => s.startsWith(`profile ${world.profile}]`)) ?? '';
  const line = /^credential_process = (.*)$/m.exec(section)?.[1];
  if (!line) throw new Error(`no credential_process line for ${world.profile} in:\n${text}`);
  console.log(`the line: ${line}`);

  const cmds = {
    floor: [process.execPath, ['-e', '']],
    curl: ['curl', ['--silent', '--fail', '--unix-socket', world.socket, `http://localhost/v1/process/${encodeURIComponent(world.profile)}`]],
    line: ['/bin/sh', ['-c', line]],
    node: [process.execPath, [MAIN, 'credential-process', world.profile]],
  };
  const outs = Object.fromEntries(Object.entries(cmds).map(([k, [c, a]]) => [k, time(c, a, world.env).out]));
  if (JSON.parse(outs.line).Version !== 1) throw new Error('unexpected credential_process output');
  if (outs.line.trim() !== outs.curl.trim() || outs.line !== outs.node) throw new Error('the line, curl and the node entry disagree');
  const ms = { floor: [], curl: [], line: [], node: [] };
  // Interleaved so drift (other load, CPU frequency) hits all alike.
  for (let i = 0; i < RUNS; i++) for (const [k, [c, a]] of Object.entries(cmds)) ms[k].push(time(c, a, world.env).ms);
  const m = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
  console.log(`${RUNS} runs each, median wall time`);
  console.log(`node -e ''                               ${m.floor.toFixed(1).padStart(7)} ms`);
  console.log(`curl --unix-socket (same JSON)           ${m.curl.toFixed(1).padStart(7)} ms`);
  console.log(`credential_process line (config --write) ${m.line.toFixed(1).padStart(7)} ms`);
  console.log(`node dist/cli/main.js credential-process ${m.node.toFixed(1).padStart(7)} ms`);
  row({ measure: 'credential_process as config --write writes it', value: m.line, unit: 'ms', baseline: m.curl, baselineLabel: 'curl --unix-socket', ratio: m.line / m.curl, target: '≤ 2×', ok: m.line / m.curl <= 2 });
  row({ measure: 'credential_process line vs starting node', value: m.line, unit: 'ms', baseline: m.floor, baselineLabel: "node -e ''", ratio: m.line / m.floor, target: 'info', ok: true, note: `node entry ${m.node.toFixed(1)} ms = ${(m.node / m.floor).toFixed(2)}× node -e ''` });
} finally {
  await world.close();
}
