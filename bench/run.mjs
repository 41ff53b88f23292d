#!/usr/bin/env node
// Runs every benchmark in this folder in turn (or the ones named on the command line), then prints
// one table of every measured row: our figure, the baseline measured in the same run, the ratio
// and whether the target holds. Exit status 1 when a script fails or a target is missed.
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadavg, tmpdir, cpus } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const dir = mkdtempSync(join(tmpdir(), 'sso-agent-bench-report-'));
const report = join(dir, 'rows.jsonl');
console.log(`node ${process.version}, ${cpus().length} cores, load average at start ${load()}`);

let failed = 0;
for (const script of scripts) {
  process.stdout.write(`\n=== ${script}\n`);
  const r = spawnSync(process.execPath, [join(here, script)], { stdio: 'inherit', env: { ...process.env, BENCH_REPORT: report } });
  if (r.status !== 0) failed++;
}

const rows = existsSync(report) ? readFileSync(report, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
rmSync(dir, { recursive: true, force: true });
const num = (x, d = 1) => (typeof x === 'number' ? x.toFixed(d) : String(x ?? ''));
const table = [['measure', 'ours', 'baseline', 'ratio', 'target', '']].concat(rows.map((r) => [
  r.measure, `${num(r.value)} ${r.unit ?? ''}`.trim(), `${r.baselineLabel} ${num(r.baseline)}`.trim(), `${num(r.ratio, 2)}×`, r.target, r.ok ? 'PASS' : 'MISS',
]));
const widths = table[0].map((_, i) => Math.max(...table.map((t) => String(t[i]).length)));
console.log(`\n=== summary (load average at end ${load()})`);
for (const t of table) console.log(t.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd());
const missed = rows.filter((r) => !r.ok).length;
if (missed) console.log(`${missed} target${missed === 1 ? '' : 's'} missed`);
process.exitCode = failed || missed ? 1 : 0;
