import { InvalidInputError } from '../../errors.js';

/**
 * Reads back what a systemd unit says, the way systemd reads it: sections, `Key=value` lines,
 * `#`/`;` comments, trailing-backslash continuations, double-quoted words and `%` specifiers.
 * `service status` uses it for the installed unit's port; the tests use it to run the agent
 * exactly as the unit's ExecStart line would. Only the subset our own template uses is handled.
 */
export type UnitEntries = Map<string, Array<[key: string, value: string]>>;

export function parseUnit(text: string): UnitEntries {
  const sections: UnitEntries = new Map();
  let current: Array<[string, string]> | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      line = line.slice(0, -1) + ' ' + (lines[++i] ?? '').trim();
    }
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const name = header[1] as string;
      current = sections.get(name) ?? [];
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !current) throw new InvalidInputError(`not a unit file line: ${JSON.stringify(line)}`);
    current.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return sections;
}

export function unitValues(unit: UnitEntries, section: string, key: string): string[] {
  return (unit.get(section) ?? []).filter(([k]) => k === key).map(([, v]) => v);
}

/** Splits on whitespace outside double quotes; inside quotes `\"` and `\\` are unescaped. */
export function splitUnitWords(value: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (quoted) {
      if (c === '\\' && i + 1 < value.length) word += value[++i];
      else if (c === '"') quoted = false;
      else word += c;
    } else if (c === '"') {
      quoted = true;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quoted) throw new InvalidInputError(`unbalanced double quote in ${JSON.stringify(value)}`);
  if (inWord) words.push(word);
  return words;
}

/** Expands `%%` and the specifiers given (e.g. {t: runtime dir, h: home}); any other is refused. */
export function expandSpecifiers(value: string, specifiers: Record<string, string>): string {
  return value.replace(/%(.)/g, (_m, s: string) => {
    if (s === '%') return '%';
    const v = specifiers[s];
    if (v === undefined) throw new InvalidInputError(`unit specifier %${s} is not supported here`);
    return v;
  });
}

/** The argv systemd would exec for the unit's (single) ExecStart= line. */
export function execStartArgv(text: string, specifiers: Record<string, string>): string[] {
  const lines = unitValues(parseUnit(text), 'Service', 'ExecStart');
  if (lines.length !== 1) throw new InvalidInputError(`expected one ExecStart= line, found ${lines.length}`);
  const words = splitUnitWords(lines[0] as string).map((w) => expandSpecifiers(w, specifiers));
  // `$$` is a literal `$` in arguments; the executable's own path is taken as written.
  return words.map((w, i) => (i === 0 ? w : w.replace(/\$\$/g, '$')));
}

/** The variables the unit's Environment= lines set, later lines winning as in systemd. */
export function unitEnvironment(text: string, specifiers: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of unitValues(parseUnit(text), 'Service', 'Environment')) {
    for (const word of splitUnitWords(line)) {
      const eq = word.indexOf('=');
      if (eq <= 0) throw new InvalidInputError(`not an assignment in Environment=: ${JSON.stringify(word)}`);
      env[word.slice(0, eq)] = expandSpecifiers(word.slice(eq + 1), specifiers);
    }
  }
  return env;
}
