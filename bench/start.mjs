#!/usr/bin/env node
// Time from spawning `node dist/cli/main.js serve --port 0` to its `"msg":"listening"` log line,
// median of BENCH_RUNS (default 11), next to spawning bare node that prints one line (the floor:
// starting node at all), interleaved in the same run. Each agent has a private runtime folder and
// a config with one SSO session, as a user's would; no login. Target ≤ 3× bare node.
// Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { MAIN, privateHome } from './credential-harness.js';
import { median, row } from './report.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const { home, env } = privateHome('sso-agent-bench-start-', '[sso-session work]\nsso_start_url = https://example.awsapps.com/start\nsso_region = eu-west-1\n');

/** ms from spawn to the first stdout line matching `re`; then the process is stopped. */
function untilLine(args, re) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    let ms;
    p.stdout.on('data', (c) => {
      buf += c;
      if (ms === undefined && re.test(buf)) {
        ms = Number(process.hrtime.bigint() - t0) / 1e6;
        p.kill('SIGTERM');
      }
    });
    p.once('exit', (code) => (ms === undefined ? reject(new Error(`${args.join(' ')} exited ${code} before ${re}`)) : resolve(ms)));
  });
}

try {
  const bare = [];
  const serve = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(await untilLine(['-e', 'console.log(\'{"msg":"listening"}\')'], /"msg":"listening"/));
    serve.push(await untilLine([MAIN, 'serve', '--port', '0'], /"msg":"listening"/));
  }
  const b = median(bare);
  const s = median(serve);
  console.log(`${RUNS} runs each, median time to the first line`);
  console.log(`bare node printing a line   ${b.toFixed(1).padStart(7)} ms`);
  console.log(`sso-agent serve listening    ${s.toFixed(1).padStart(7)} ms`);
  row({ measure: 'serve ready (listening line)', value: s, unit: 'ms', baseline: b, baselineLabel: 'bare node', ratio: s / b, target: '≤ 3×', ok: s / b <= 3 });
} finally {
  rmSync(home, { recursive: true, force: true });
}
