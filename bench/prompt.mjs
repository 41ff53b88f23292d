#!/usr/bin/env node
// What `sso_agent_prompt` (sso-agent prompt --init bash) costs a prompt, against a logged-in agent:
// (1) inside one bash, the median of `x=$(sso_agent_prompt)` — what a PS1 pays at each prompt —
// next to `x=$(true)`, timed with $EPOCHREALTIME; (2) a whole `bash -c '<init>; sso_agent_prompt'`
// next to the same bash running `true` and next to `node -e ''` (any Node entry's floor),
// interleaved. Needs `npm run build` first. BENCH_RUNS (default 21 spawns, 10× that in-shell calls).
import { spawnSync } from 'node:child_process';
import { startWorld } from './credential-harness.js';
import { median, row } from './report.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const CALLS = RUNS * 10;

function time(cmd, args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}: ${r.stderr}`);
  return { ms, out: r.stdout };
}

const world = await startWorld({ accounts: 1, rolesPerAccount: 1 });
try {
  const init = await world.cli(['prompt', '--init', 'bash']);
  if (init.status !== 0) throw new Error(`prompt --init bash failed: ${init.stderr}`);
  const env = { ...world.env, SSO_AGENT_PROFILE: world.profile };
  const seg = time('bash', ['--norc', '--noprofile', '-c', `${init.stdout}\nsso_agent_prompt`], env).out;
  if (!seg.startsWith(`aws:${world.profile}`)) throw new Error(`unexpected segment ${JSON.stringify(seg)}`);
  console.log(`the segment: ${JSON.stringify(seg)}`);

  // In one shell: per-call microseconds of each, interleaved; printed one per line.
  const loop = `${init.stdout}
for ((i = 0; i < ${CALLS}; i++)); do
  a=$EPOCHREALTIME; x=$(sso_agent_prompt); b=$EPOCHREALTIME; y=$(true); c=$EPOCHREALTIME
  echo "\${a/[.,]/} \${b/[.,]/} \${c/[.,]/}"
done`;
  const lines = time('bash', ['--norc', '--noprofile', '-c', loop], env).out.trim().split('\n').map((l) => l.split(' ').map(Number));
  const callMs = median(lines.map(([a, b]) => (b - a) / 1000));
  const trueMs = median(lines.map(([, b, c]) => (c - b) / 1000));

  const cmds = {
    prompt: ['bash', ['--norc', '--noprofile', '-c', `${init.stdout}\nsso_agent_prompt`]],
    true: ['bash', ['--norc', '--noprofile', '-c', `${init.stdout}\ntrue`]],
    node: [process.execPath, ['-e', '']],
  };
  const ms = { prompt: [], true: [], node: [] };
  for (let i = 0; i < RUNS; i++) for (const [k, [c, a]] of Object.entries(cmds)) ms[k].push(time(c, a, env).ms);
  const m = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
  console.log(`in one bash, ${CALLS} calls each, median: x=$(sso_agent_prompt) ${callMs.toFixed(2)} ms, x=$(true) ${trueMs.toFixed(2)} ms`);
  console.log(`${RUNS} spawns each, median wall time: bash + sso_agent_prompt ${m.prompt.toFixed(1)} ms, bash + true ${m.true.toFixed(1)} ms, node -e '' ${m.node.toFixed(1)} ms`);
  row({ measure: 'prompt segment per call, $(sso_agent_prompt) in bash', value: callMs, unit: 'ms', baseline: trueMs, baselineLabel: '$(true)', ratio: callMs / trueMs, target: '< 10 ms', ok: callMs < 10 });
  row({ measure: 'prompt segment per call vs a Node start', value: callMs, unit: 'ms', baseline: m.node, baselineLabel: "node -e ''", ratio: callMs / m.node, target: '< 0.2×', ok: callMs / m.node < 0.2, note: `a Node start costs ${(m.node / callMs).toFixed(0)}× a segment` });
  row({ measure: "bash -c 'sso_agent_prompt' vs bash -c 'true'", value: m.prompt, unit: 'ms', baseline: m.true, baselineLabel: "bash -c 'true'", ratio: m.prompt / m.true, target: 'info', ok: true, note: `node -e '' ${m.node.toFixed(1)} ms` });
} finally {
  await world.close();
}
