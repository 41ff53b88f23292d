/**
 * Whether a `credential_process` line asks this agent: its words end with `credential-process
 * PROFILE` and one word before is the CLI (`sso-agent`, or the `dist/cli/main.js` that
 * `sso-agent config --write` puts there). Quoting as that command writes it (double quotes, no
 * escapes) and single quotes are understood.
 */
export function agentProfileOfProcess(line: string): string | undefined {
  const words = splitWords(line);
  const n = words.length;
  if (n < 3 || words[n - 2] !== 'credential-process') return undefined;
  const isAgent = (w: string): boolean => /(^|\/)sso-agent$/.test(w) || /(^|\/)dist\/cli(\/main)?\.js$/.test(w);
  return words.slice(0, n - 2).some(isAgent) ? words[n - 1] : undefined;
}

function splitWords(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  return words;
}
