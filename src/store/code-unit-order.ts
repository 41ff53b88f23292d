/**
 * Sort order by UTF-16 code units (what `<` compares), for the daemon's sorts. Not
 * `localeCompare`: the first collation loads ICU's collation tables into the process (megabytes
 * resident; bench/NOTES.md) for orderings that only need to be deterministic.
 */
export function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
