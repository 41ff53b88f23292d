#!/usr/bin/env node
// Warm container-credentials route (GET /v1/credentials/P with the profile token, answered from
// memory) against a bare node:http server returning the same JSON, both in their own process,
// autocannon with 10 connections, same run. Prints req/s, p99 latency and the ratios.
// Needs `npm run build` first. BENCH_DURATION (seconds, default 10) per server.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import autocannon from 'autocannon';
import { startWorld } from './credential-harness.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 10;

function cannon(url, headers) {
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

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

  const base = await cannon(`http://127.0.0.1:${barePort}/v1/credentials/${world.profile}`, headers);
  const agent = await cannon(world.uri, headers);
  const after = await world.stats();
  if (agent.non2xx || agent.errors) throw new Error(`agent answered ${agent.non2xx} non-2xx and ${agent.errors} errors`);

  const row = (name, r) => `${name.padEnd(22)} ${r.requests.average.toFixed(0).padStart(8)} req/s   p99 ${String(r.latency.p99).padStart(4)} ms   p50 ${String(r.latency.p50).padStart(3)} ms`;
  console.log(`autocannon, ${CONNECTIONS} connections, ${DURATION} s each, ${body.length}-byte JSON`);
  console.log(row('bare node:http', base));
  console.log(row('agent credential route', agent));
  console.log(`ratio agent/bare        ${(agent.requests.average / base.requests.average).toFixed(2)}× throughput, p99 ${agent.latency.p99} ms vs ${base.latency.p99} ms`);
  console.log(`GetRoleCredentials calls during the run: ${(after.GetRoleCredentials ?? 0) - (before.GetRoleCredentials ?? 0)} (served from memory)`);
} finally {
  bare?.kill();
  await world.close();
}
