import { stripControls } from '../strip-controls.js';

/** Aligned columns for people (`status`, `ls`). Pure: rows in, text out; no trailing spaces. */
export function formatTable(headers: string[], rawRows: string[][]): string {
  // Cells hold names from AWS (account names their owners choose): printable text only.
  const rows = rawRows.map((r) => r.map((c) => stripControls(c ?? '')));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** "in 42m", "3h ago": relative times read faster than timestamps in a table. */
export function relativeTime(iso: string | undefined, now: number): string {
  if (!iso) return '-';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '-';
  const diff = t - now;
  const abs = Math.abs(diff);
  const text = abs < 60_000 ? `${Math.round(abs / 1000)}s`
    : abs < 3_600_000 ? `${Math.round(abs / 60_000)}m`
    : abs < 86_400_000 ? `${Math.floor(abs / 3_600_000)}h${String(Math.round((abs % 3_600_000) / 60_000)).padStart(2, '0')}m`
    : `${Math.round(abs / 86_400_000)}d`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}
