import type { ManagedBlock } from './managed-block.js';
import { profileNameOf, ssoSessionNameOf, type IniSection } from './validate-ini.js';

export interface ExistingNames {
  /** Profile name → line of its section, for every profile defined outside the managed block. */
  profiles: Map<string, number>;
  /** `[sso-session NAME]` names outside the block. */
  ssoSessions: Set<string>;
}

/**
 * What the user defined outside the block: a generated profile must never shadow one of these.
 * `[default]` and `[profile default]` both count as "default".
 */
export function existingNames(sections: IniSection[], block: Pick<ManagedBlock, 'beginLine' | 'endLine'> | undefined): ExistingNames {
  const profiles = new Map<string, number>();
  const ssoSessions = new Set<string>();
  for (const s of sections) {
    if (block && s.line > block.beginLine && s.line < block.endLine) continue;
    const p = profileNameOf(s.header);
    if (p !== undefined && !profiles.has(p)) profiles.set(p, s.line);
    const ss = ssoSessionNameOf(s.header);
    if (ss !== undefined) ssoSessions.add(ss);
  }
  return { profiles, ssoSessions };
}
