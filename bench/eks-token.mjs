#!/usr/bin/env node
// Median wall time of the kubectl exec plugin exactly as `sso-agent kubeconfig` writes it (the
// shell client asking the agent's socket with curl), next to `curl --unix-socket` fetching the
// same route (the floor of any client) and `aws eks get-token` (the AWS CLI v1, the usual
// plugin) on the same credentials, against a logged-in agent with warm credentials; the Node
// entry is printed too. kubectl pays this on every command. Needs `npm run build` first.
// BENCH_RUNS (default 21) runs of the fast ones, BENCH_AWS_RUNS (default 5) of the AWS CLI.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAIN, startWorld } from './credential-harness.js';
import { median, row, timed as time } from './report.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const AWS_RUNS = Number(process.env.BENCH_AWS_RUNS ?? 5);
const CLUSTER = 'bench-cluster';

const world = await startWorld();
try {
  // Asynchronously first: the emulator answers from this process, and the timed runs below block it.
  const warm = await world.cli(['credential-process', world.profile]);
  if (warm.status !== 0) throw new Error(`credential-process failed: ${warm.stderr}`);
  const creds = JSON.parse(warm.stdout);
  const kubeconfig = join(world.home, 'kubeconfig');
  const ca = join(world.home, 'ca.pem');
  const pem = '-----BEGIN CERTIFICATE-----\nMIIBbench\n-----END CERTIFICATE-----\n';
  writeFileSync(ca, pem);
  const added = await world.cli(['kubeconfig', '--cluster-name', CLUSTER, '--endpoint', 'https://bench.gr7.us-east-1.eks.amazonaws.com', '--ca-file', ca, '--kubeconfig', kubeconfig, world.profile]);
  if (added.status !== 0) throw new Error(`kubeconfig failed: ${added.stderr}`);
  // The exec stanza's command and args, as kubectl runs them.
  const { parse } = await import('yaml');
  const exec = parse(readFileSync(kubeconfig, 'utf8')).users[0].user.exec;
  console.log(`the plugin: ${exec.command} ${exec.args.join(' ')}`);

  const awsEnv = {
    PATH: process.env.PATH, HOME: world.home, AWS_CONFIG_FILE: join(world.home, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(world.home, 'none'),
    AWS_ACCESS_KEY_ID: creds.AccessKeyId, AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey, AWS_SESSION_TOKEN: creds.SessionToken,
    AWS_DEFAULT_REGION: 'us-east-1', AWS_STS_REGIONAL_ENDPOINTS: 'regional',
  };
  const cmds = {
    curl: ['curl', ['--silent', '--fail', '--unix-socket', world.socket, '-G', '--data-urlencode', `profile=${world.profile}`, '--data-urlencode', `cluster=${CLUSTER}`, '--data-urlencode', 'region=us-east-1', 'http://localhost/v1/eks-token'], world.env],
    plugin: [exec.command, exec.args, world.env],
    node: [process.execPath, [MAIN, 'eks-token', '--cluster-name', CLUSTER, '--region', 'us-east-1', world.profile], world.env],
  };
  const aws = ['aws', ['eks', 'get-token', '--cluster-name', CLUSTER], awsEnv];
  const shape = (out) => { const c = JSON.parse(out); return `${c.kind} ${c.apiVersion} ${c.status.token.slice(0, 11)}`; };
  const outs = Object.fromEntries([...Object.entries(cmds), ['aws', aws]].map(([k, [c, a, e]]) => [k, shape(time(c, a, e).out)]));
  if (new Set(Object.values(outs)).size !== 1) throw new Error(`the clients disagree: ${JSON.stringify(outs)}`);

  const ms = { curl: [], plugin: [], node: [], aws: [] };
  // Interleaved so drift (other load, CPU frequency) hits all alike; the AWS CLI every few rounds.
  for (let i = 0; i < RUNS; i++) {
    for (const [k, [c, a, e]] of Object.entries(cmds)) ms[k].push(time(c, a, e).ms);
    if (i % Math.max(1, Math.floor(RUNS / AWS_RUNS)) === 0 && ms.aws.length < AWS_RUNS) ms.aws.push(time(...aws).ms);
  }
  const m = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
  console.log(`median wall time (${RUNS} runs; aws eks get-token ${ms.aws.length})`);
  console.log(`curl --unix-socket (same route)          ${m.curl.toFixed(1).padStart(8)} ms`);
  console.log(`exec plugin as sso-agent kubeconfig writes ${m.plugin.toFixed(1).padStart(6)} ms`);
  console.log(`node dist/cli/main.js eks-token          ${m.node.toFixed(1).padStart(8)} ms`);
  console.log(`aws eks get-token (AWS CLI v1)           ${m.aws.toFixed(1).padStart(8)} ms`);
  row({ measure: 'eks-token exec plugin vs curl to the socket', value: m.plugin, unit: 'ms', baseline: m.curl, baselineLabel: 'curl --unix-socket', ratio: m.plugin / m.curl, target: '≤ 2×', ok: m.plugin / m.curl <= 2 });
  row({ measure: 'aws eks get-token vs the eks-token exec plugin', value: m.plugin, unit: 'ms', baseline: m.aws, baselineLabel: 'aws eks get-token', ratio: m.aws / m.plugin, target: '≥ 20× faster', ok: m.aws / m.plugin >= 20, note: `node entry ${m.node.toFixed(1)} ms` });
} finally {
  await world.close();
}
