import { createHash } from 'node:crypto';
import { ConfigFileError } from '../../errors.js';

/**
 * The one block of ~/.aws/config that sso-agent owns, between two marker comments. Everything
 * outside it is kept byte for byte, so this works on the raw text with character offsets rather
 * than on parsed lines.
 */

export const BEGIN_MARKER = '# BEGIN sso-agent managed block';
export const END_MARKER = '# END sso-agent managed block';
const BEGIN_LINE = `${BEGIN_MARKER}: written by \`sso-agent config --write\`; edits between these markers are replaced`;
const BEGIN_RE = /^[ \t]*# BEGIN sso-agent managed block\b/;
const END_RE = /^[ \t]*# END sso-agent managed block\b/;
const HASH_RE = /\(sha256:([0-9a-f]{12})\)\s*$/;

export type Eol = '\r\n' | '\n';

export interface ManagedBlock {
  /** Offset of the BEGIN line's first character. */
  start: number;
  /** Offset just past the END line's last character (before its line break, if any). */
  end: number;
  /** 1-based line numbers of the markers. */
  beginLine: number;
  endLine: number;
  /** The lines between the markers, without line breaks. */
  body: string[];
  /** True when the body no longer matches the checksum written into the END line. */
  handEdited: boolean;
}

interface RawLine { text: string; start: number; end: number; n: number }

function rawLines(text: string): RawLine[] {
  const out: RawLine[] = [];
  const re = /\r\n|\n|\r/g;
  let pos = 0;
  let n = 1;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ text: text.slice(pos, m.index), start: pos, end: m.index, n: n++ });
    pos = m.index + m[0].length;
  }
  if (pos < text.length) out.push({ text: text.slice(pos), start: pos, end: text.length, n });
  return out;
}

/** The file's own line ending: CRLF when its first line break is CRLF, else LF. */
export function detectEol(text: string): Eol {
  const m = /\r\n|\n/.exec(text);
  return m?.[0] === '\r\n' ? '\r\n' : '\n';
}

/** Short checksum of the body, line-ending independent, so a CRLF conversion is not an "edit". */
export function blockChecksum(body: string[]): string {
  return createHash('sha256').update(body.join('\n')).digest('hex').slice(0, 12);
}

/**
 * Finds the block. Undefined when there is none; ConfigFileError when the markers are broken
 * (one without the other, two blocks, END before BEGIN): guessing where the block ends could
 * delete the user's own lines.
 */
export function findManagedBlock(text: string, file = 'the config file'): ManagedBlock | undefined {
  const lines = rawLines(text);
  const begins = lines.filter((l) => BEGIN_RE.test(l.text));
  const ends = lines.filter((l) => END_RE.test(l.text));
  if (begins.length === 0 && ends.length === 0) return undefined;
  const fix = 'delete the stray marker line (or the whole block) and run `sso-agent config --write` again';
  if (begins.length > 1) throw new ConfigFileError(`${file} line ${begins[1]?.n}: a second "${BEGIN_MARKER}" line (the first is on line ${begins[0]?.n}); ${fix}`);
  if (ends.length > 1) throw new ConfigFileError(`${file} line ${ends[1]?.n}: a second "${END_MARKER}" line (the first is on line ${ends[0]?.n}); ${fix}`);
  const b = begins[0];
  const e = ends[0];
  if (!b) throw new ConfigFileError(`${file} line ${e?.n}: "${END_MARKER}" without a BEGIN line before it; ${fix}`);
  if (!e) throw new ConfigFileError(`${file} line ${b.n}: "${BEGIN_MARKER}" without an END line after it; ${fix}`);
  if (e.n < b.n) throw new ConfigFileError(`${file} line ${e.n}: "${END_MARKER}" comes before its BEGIN line (line ${b.n}); ${fix}`);
  const body = lines.filter((l) => l.n > b.n && l.n < e.n).map((l) => l.text);
  const recorded = HASH_RE.exec(e.text)?.[1];
  return { start: b.start, end: e.end, beginLine: b.n, endLine: e.n, body, handEdited: recorded !== blockChecksum(body) };
}

/** The block's lines, markers included, for the given body. */
export function renderBlock(body: string[]): string[] {
  return [BEGIN_LINE, ...body, `${END_MARKER} (sha256:${blockChecksum(body)})`];
}

/**
 * The text with the block's body replaced (or the block appended when there is none). Bytes
 * outside the block are untouched; the block uses the file's own line ending. When appending to a
 * file whose last line has no line break, one is added first so the BEGIN marker does not join
 * that line, and the block is separated by a blank line.
 */
export function replaceManagedBlock(text: string, body: string[], file?: string): string {
  const eol = detectEol(text);
  const block = renderBlock(body).join(eol);
  const found = findManagedBlock(text, file);
  if (found) return text.slice(0, found.start) + block + text.slice(found.end);
  if (text === '') return block + eol;
  const endsWithBreak = /[\r\n]$/.test(text);
  return text + (endsWithBreak ? '' : eol) + eol + block + eol;
}
