/**
 * Reads an AWS config file the way botocore does (Python's `configparser.RawConfigParser`, strict
 * mode), because botocore is the strictest reader of the file: where it fails, every `aws` command
 * fails. The JS SDK's parser tolerates nearly everything (it skips lines it does not understand and
 * merges repeated sections), so it cannot tell us a file is broken; the one input it throws on, a
 * `__proto__` profile, is checked here as well.
 *
 * Rules mirrored from configparser: `#`/`;` full-line comments (also indented); a line indented
 * deeper than the option line before it continues that option's value (this is how
 * `[services x]` nests keys), even across blank lines; `=` or `:` separates key and value; keys are
 * case-insensitive; a repeated section or a repeated key in one section is an error.
 */

export interface IniOption { key: string; line: number; value: string; /** Its last continuation line, when the value spans several. */ lastLine?: number }

export interface IniSection {
  /** The text between the brackets, as written. */
  header: string;
  /** 1-based line number of the header. */
  line: number;
  /** Last line (1-based) that belongs to the section, blank and comment lines included. */
  lastLine: number;
  options: IniOption[];
}

export type IniCheck =
  | { ok: true; sections: IniSection[] }
  | { ok: false; line: number; problem: string };

const SECTION = /^\[(.+)\]/;
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;
const JS_BLOCKED = new Set(['__proto__', 'profile __proto__']);

/** Splits on every line break configparser recognises (it reads in universal-newline mode). */
export function splitLines(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = body.split(/\r\n|\n|\r/);
  // A final line break ends the last line; it does not start an empty one.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function show(line: string): string {
  const t = line.trim();
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}

export function validateIni(text: string): IniCheck {
  const lines = splitLines(text);
  const sections: IniSection[] = [];
  const seen = new Map<string, number>();
  let current: IniSection | undefined;
  let currentKeys = new Map<string, number>();
  let option: IniOption | undefined;
  let indentLevel = 0;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const n = i + 1;
    const value = raw.trim();
    if (value === '' || value.startsWith('#') || value.startsWith(';')) {
      if (current) current.lastLine = n;
      continue;
    }
    const indent = raw.search(/\S/);
    if (current && option && indent > indentLevel) {
      option.value += `\n${value}`;
      option.lastLine = n;
      current.lastLine = n;
      continue;
    }
    indentLevel = indent;
    const sec = SECTION.exec(value);
    if (sec) {
      const header = sec[1] ?? '';
      if (JS_BLOCKED.has(header)) {
        return { ok: false, line: n, problem: `line ${n}: the section name \`[${header}]\` is refused by the AWS SDK for JavaScript; rename it` };
      }
      const first = seen.get(header);
      // configparser's DEFAULT section is special (merged into all others) and may repeat.
      if (first !== undefined && header !== 'DEFAULT') {
        return { ok: false, line: n, problem: `line ${n}: \`[${header}]\` repeats the section already started on line ${first} (the AWS CLI refuses a file with a repeated section); merge the two` };
      }
      seen.set(header, n);
      current = { header, line: n, lastLine: n, options: [] };
      sections.push(current);
      currentKeys = new Map();
      option = undefined;
      continue;
    }
    if (!current) {
      return { ok: false, line: n, problem: `line ${n}: \`${show(raw)}\` comes before any [section] header; move it under one or delete it` };
    }
    const opt = OPTION.exec(value);
    if (!opt || (opt[1] ?? '') === '') {
      return { ok: false, line: n, problem: `line ${n}: \`${show(raw)}\` is not \`key = value\`, a [section] header or a comment; fix or delete that line` };
    }
    const key = (opt[1] ?? '').toLowerCase();
    const firstKey = currentKeys.get(key);
    if (firstKey !== undefined) {
      return { ok: false, line: n, problem: `line ${n}: \`${key}\` is set twice in [${current.header}] (first on line ${firstKey}; the AWS CLI refuses that); keep one` };
    }
    currentKeys.set(key, n);
    option = { key, line: n, value: opt[3] ?? '' };
    current.options.push(option);
    current.lastLine = n;
  }
  return { ok: true, sections };
}

/**
 * The profile a section defines, as botocore and the JS SDK name it: `[default]` and
 * `[profile default]` are both "default"; `[profile "x"]` is "x". Undefined for other kinds.
 */
export function profileNameOf(header: string): string | undefined {
  if (header.trim() === 'default') return 'default';
  const m = /^profile\s+(.+)$/.exec(header.trim());
  if (!m) return undefined;
  return unquote((m[1] ?? '').trim());
}

/** `[sso-session NAME]` → NAME. */
export function ssoSessionNameOf(header: string): string | undefined {
  const m = /^sso-session\s+(.+)$/.exec(header.trim());
  return m ? unquote((m[1] ?? '').trim()) : undefined;
}

function unquote(s: string): string {
  const q = s[0];
  if ((q === '"' || q === "'") && s.length >= 2 && s.endsWith(q)) return s.slice(1, -1);
  return s;
}
