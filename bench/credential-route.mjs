#!/usr/bin/env node
// Warm container-credentials route (GET /v1/credentials/P with the profile token, answered from
// memory) against a bare node:http server returning the same JSON, both in their own process,
// autocannon with 10 connections, same run. Both first get an unmeasured warm-up round
// (BENCH_WARMUP seconds, default 3: JIT tiering of node:http and the route, the heap's first
// growth), then they alternate in BENCH_ROUNDS rounds (default 6) of BENCH_DURATION seconds each
// (default 3), so drift on a shared machine hits both alike. The figures are over all measured
// rounds together (autocannon's own aggregation: the requests summed, the latency histograms
// merged, so p99 is the 99th percentile of every measured request); the worst single round's p99
// is printed beside it. Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import autocannon from 'autocannon';
import { startWorld } from './credential-harness.js';
import { row } from './report.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = 10;

/** One round; unaggregated, so rounds can be merged with autocannon.aggregateResult. */
function cannon(url, headers, duration = DURATION) {
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, connections: CONNECTIONS, duration, skipAggregateResult: true }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

const aggregate = (url, rounds) => autocannon.aggregateResult(rounds, { url, connections: CONNECTIONS });

const world = await startWorld();
let bare;
try {
  const headers = { authorization: world.token };
  // node:http like the SDKs: fetch() adds Sec-Fetch-Mode, which the agent refuses as browser traffic.
  const warm = await new Promise((resolve, reject) => {
    request(world.uri, { headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c) => { text += c; }).on('end', () => resolve({ status: res.statusCode, text }));
    }).on('error', reject).end();
  });
  if (warm.status !== 200) throw new Error(`warm-up answered ${warm.status}`);
  const body = warm.text;
  const before = await world.stats();

  // The baseline: the smallest node:http server that returns the same bytes, in its own process.
  const code = `const b=Buffer.from(process.argv[1]);require('node:http').createServer((q,s)=>{s.writeHead(200,{'content-type':'application/json','content-length':b.length});s.end(b)}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`;
  bare = spawn(process.execPath, ['-e', code, body], { stdio: ['ignore', 'pipe', 'inherit'] });
  const barePort = await new Promise((r) => bare.stdout.once('data', (c) => r(Number(String(c).trim()))));
  const bareUrl = `http://127.0.0.1:${barePort}/v1/credentials/${world.profile}`;

  const rounds = { base: [], agent: [] };
  for (const url of [bareUrl, world.uri]) await cannon(url, headers, WARMUP);
  for (let i = 0; i < ROUNDS; i++) {
    rounds.base.push(await cannon(bareUrl, headers));
    rounds.agent.push(await cannon(world.uri, headers));
  }
  const summary = (url, list) => {
    const all = aggregate(url, list);
    if (all.non2xx || all.errors) throw new Error(`${all.non2xx} non-2xx answers and ${all.errors} errors`);
    const worstP99 = Math.max(...list.map((r) => aggregate(url, [r]).latency.p99));
    return { requests: all.requests.total, p99: all.latency.p99, p50: all.latency.p50, worstP99 };
  };
  const total = { base: summary(bareUrl, rounds.base), agent: summary(world.uri, rounds.agent) };
  const after = await world.stats();
  const seconds = ROUNDS * DURATION;
  const rps = (t) => t.requests / seconds;

  const line = (name, t) => `${name.padEnd(22)} ${rps(t).toFixed(0).padStart(8)} req/s   p99 ${String(t.p99).padStart(4)} ms (worst round ${t.worstP99} ms)   p50 ${String(t.p50).padStart(3)} ms`;
  console.log(`autocannon, ${CONNECTIONS} connections, ${WARMUP} s warm-up each, then ${ROUNDS} alternating rounds of ${DURATION} s each, ${body.length}-byte JSON`);
  console.log(line('bare node:http', total.base));
  console.log(line('agent credential route', total.agent));
  const ratio = rps(total.agent) / rps(total.base);
  row({ measure: 'container route, warm, 10 connections', value: rps(total.agent), unit: 'req/s', baseline: rps(total.base), baselineLabel: 'bare node:http', ratio, target: '≥ 0.8×', ok: ratio >= 0.8 });
  row({ measure: 'container route p99', value: total.agent.p99, unit: 'ms', baseline: total.base.p99, baselineLabel: 'bare node:http', ratio: total.agent.p99 / Math.max(1, total.base.p99), target: '≤ 2 ms', ok: total.agent.p99 <= 2, note: `worst ${DURATION} s round ${total.agent.worstP99} ms (bare ${total.base.worstP99} ms)` });
  console.log(`GetRoleCredentials calls during the run: ${(after.GetRoleCredentials ?? 0) - (before.GetRoleCredentials ?? 0)} (served from memory)`);
} finally {
  bare?.kill();
  await world.close();
}
