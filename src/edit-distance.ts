/** Edit distance, for "did you mean": names are short, so the plain O(n·m) table is plenty. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/**
 * The closest of `names` to a mistyped `typed`, if close enough to be a typo (a third of the
 * name, at least 2 edits), or the one name that contains it; as `{ near }` for an error.
 */
export function nearName(typed: string, names: Iterable<string>): { near?: string } {
  let best: { name: string; d: number } | undefined;
  const lower = typed.toLowerCase();
  for (const name of names) {
    const d = editDistance(lower, name.toLowerCase());
    if (!best || d < best.d) best = { name, d };
  }
  if (best && best.d <= Math.max(2, Math.floor(best.name.length / 3))) return { near: best.name };
  const containing = [...names].filter((n) => n.toLowerCase().includes(lower));
  return lower.length >= 3 && containing.length === 1 ? { near: containing[0] as string } : {};
}
