// Shared by the bench scripts (a .js file so bench/run.mjs does not run it as a benchmark): one
// row per measure of the issue's table, printed at once and appended as a JSON line to
// $BENCH_REPORT, from which bench/run.mjs prints the summary table at the end.
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';

/**
 * measure: the table's row; value/unit: our figure; baseline/baselineLabel: what it is compared
 * with in the same run; ratio: value ÷ baseline (or the row's own ratio); target: text such as
 * "≤ 2×"; ok: whether the target holds.
 */
export function row(r) {
  const line = { ...r, ok: Boolean(r.ok) };
  process.stdout.write(`${line.ok ? 'PASS' : 'MISS'}  ${line.measure}: ${fmt(line.value)} ${line.unit ?? ''} vs ${line.baselineLabel} ${fmt(line.baseline)} → ${fmt(line.ratio, 2)}× (target ${line.target})${line.note ? `; ${line.note}` : ''}\n`);
  if (process.env.BENCH_REPORT) appendFileSync(process.env.BENCH_REPORT, JSON.stringify(line) + '\n');
  if (!line.ok) process.exitCode = 1;
  return line;
}

export function fmt(x, digits = 1) {
  if (typeof x !== 'number') return String(x);
  return x.toFixed(digits);
}

/** Runs a command to completion: its wall time in ms and its stdout; a non-zero exit throws. */
export function timed(cmd, args, env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, out: r.stdout };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Resident set size of a process in MB, from /proc (Linux), else `ps`. */
export async function rssMb(pid) {
  const { readFileSync } = await import('node:fs');
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch { /* not Linux */ }
  const { execFileSync } = await import('node:child_process');
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
}
