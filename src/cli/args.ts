import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BadUsageError } from '../errors.js';
import { editDistance } from '../edit-distance.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'];
  positionals: string[];
  /** True when --help was given: the caller prints `help` and returns 0. */
  help: boolean;
}

/**
 * node:util parseArgs with `--help` built in and its errors turned into BadUsageError (exit 2) whose
 * message names the command's help.
 */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O): ParsedArgs<O> {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as O;
  try {
    const { values, positionals } = parseArgs({ args: argv, options: all, allowPositionals: true, strict: true });
    const help = Boolean((values as Record<string, unknown>).help);
    return { values, positionals, help } as ParsedArgs<O>;
  } catch (err) {
    throw new BadUsageError(describeArgsError(command, err, all));
  }
}

/** The flags a command accepts, as a person types them: `--json, --session NAME, -h`. */
export function acceptedFlags(options: Options): string {
  return Object.entries(options)
    .map(([name, o]) => `--${name}${o.type === 'string' ? ' ' + name.toUpperCase().replace(/-/g, '_') : ''}`)
    .join(', ');
}

export { editDistance } from '../edit-distance.js';

/** The closest accepted flag, if it is close enough to be a typo (a third of the word, at least 1). */
export function closestFlag(typed: string, options: Options): string | undefined {
  const word = typed.replace(/^-+/, '').split('=')[0] ?? '';
  let best: { name: string; d: number } | undefined;
  for (const name of Object.keys(options)) {
    const d = name.startsWith(word) && word.length >= 2 ? 0 : editDistance(word, name);
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(1, Math.floor(best.name.length / 3)) ? `--${best.name}` : undefined;
}

/**
 * parseArgs' own messages are long, quote the flag in a way that looks unbalanced once cut, and
 * never say what is accepted: rebuild one clean line from the error's code and flag.
 */
export function describeArgsError(command: string, err: unknown, options: Options): string {
  const code = (err as { code?: string }).code;
  const text = err instanceof Error ? err.message : String(err);
  const flag = /'(?:-[A-Za-z], )?(-{1,2}[^' ]+)/.exec(text)?.[1];
  const see = `see \`sso-agent ${command} --help\``;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
    const near = closestFlag(flag, options);
    return `${command}: unknown option ${flag}${near ? ` (did you mean ${near}?)` : ''}; ${command} accepts ${acceptedFlags(options)}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    const name = flag.replace(/^-+/, '');
    const long = Object.entries(options).find(([n, o]) => n === name || o.short === name);
    if (long && long[1].type === 'string') {
      return `${command}: ${flag} needs a value (${flag} ${long[0].toUpperCase().replace(/-/g, '_')}); ${see}`;
    }
    return `${command}: ${flag} takes no value; ${see}`;
  }
  return `${command}: ${text.split('\n')[0]}; ${see}`;
}

/**
 * For commands that take only options: a stray word is a usage error. `flag` names the option the
 * word was probably meant for (`login work` → "did you mean --session work?").
 */
export function rejectPositionals(command: string, positionals: string[], flag?: string): void {
  const [first] = positionals;
  if (first === undefined) return;
  const hint = flag ? `did you mean ${flag} ${first}?` : `see \`sso-agent ${command} --help\``;
  throw new BadUsageError(`${command} takes no arguments (got ${first}); ${hint}`);
}

/** Parses 8h / 30m / 45s / 1500ms / plain seconds into milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new BadUsageError(`${flag} takes a duration such as 8h, 30m or 90s, not ${JSON.stringify(text)}`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's'] ?? 1000;
  return Math.round(n * unit);
}

/** A duration with a floor: 0, negative or too small a value is refused, naming the minimum. */
export function parseDurationAtLeast(text: string, flag: string, minMs: number): number {
  const ms = parseDuration(text, flag);
  if (ms < minMs) throw new BadUsageError(`${flag} must be at least ${formatMs(minMs)}, not ${JSON.stringify(text)}`);
  return ms;
}

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export function parseIntFlag(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new BadUsageError(`${flag} takes a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  }
  return n;
}
