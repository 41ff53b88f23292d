import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'];
  positionals: string[];
  /** True when --help was given: the caller prints `help` and returns 0. */
  help: boolean;
}

/**
 * node:util parseArgs with `--help` built in and its errors turned into UsageError (exit 2) whose
 * message names the command's help.
 */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O): ParsedArgs<O> {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as O;
  try {
    const { values, positionals } = parseArgs({ args: argv, options: all, allowPositionals: true, strict: true });
    const help = Boolean((values as Record<string, unknown>).help);
    return { values, positionals, help } as ParsedArgs<O>;
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new UsageError(`${msg}; see \`sso-agent ${command} --help\``);
  }
}

/**
 * For commands that take only options: a stray word is a usage error. `flag` names the option the
 * word was probably meant for (`login work` → "did you mean --session work?").
 */
export function rejectPositionals(command: string, positionals: string[], flag?: string): void {
  const [first] = positionals;
  if (first === undefined) return;
  const hint = flag ? `did you mean ${flag} ${first}?` : `see \`sso-agent ${command} --help\``;
  throw new UsageError(`${command} takes no arguments (got ${first}); ${hint}`);
}

/** Parses 8h / 30m / 45s / 1500ms / plain seconds into milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag} takes a duration such as 8h, 30m or 90s, not ${JSON.stringify(text)}`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's'] ?? 1000;
  return Math.round(n * unit);
}

/** A duration with a floor: 0, negative or too small a value is refused, naming the minimum. */
export function parseDurationAtLeast(text: string, flag: string, minMs: number): number {
  const ms = parseDuration(text, flag);
  if (ms < minMs) throw new UsageError(`${flag} must be at least ${formatMs(minMs)}, not ${JSON.stringify(text)}`);
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
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  }
  return n;
}
