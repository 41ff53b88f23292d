import { META_RE } from './render-profiles.js';
import { profileNameOf } from './validate-ini.js';

export interface BlockSection {
  /** The session named in the section's marker comment; undefined when the comment is gone. */
  session?: string;
  /** Profile name, for `[profile …]` sections. */
  profile?: string;
  /** The section's lines as they are in the file, marker comment first, trailing blank lines dropped. */
  lines: string[];
}

/**
 * Splits a managed block's body back into the sections sso-agent wrote. A section starts at its
 * `# session=…` marker comment (or at a header without one, if someone removed it).
 */
export function blockSections(body: string[]): BlockSection[] {
  const out: BlockSection[] = [];
  let cur: BlockSection | undefined;
  let pendingMeta: string | undefined;
  for (const line of body) {
    const meta = META_RE.exec(line);
    if (meta) {
      pendingMeta = line;
      continue;
    }
    const header = /^\s*\[(.+)\]/.exec(line);
    if (header) {
      const h = header[1] ?? '';
      const session = pendingMeta ? META_RE.exec(pendingMeta)?.[1] : undefined;
      cur = { lines: pendingMeta ? [pendingMeta, line] : [line] };
      if (session !== undefined) cur.session = session;
      const p = profileNameOf(h);
      if (p !== undefined) cur.profile = p;
      out.push(cur);
      pendingMeta = undefined;
      continue;
    }
    if (cur) cur.lines.push(line);
  }
  for (const s of out) {
    while (s.lines.length > 0 && (s.lines[s.lines.length - 1] ?? '').trim() === '') s.lines.pop();
  }
  return out;
}
