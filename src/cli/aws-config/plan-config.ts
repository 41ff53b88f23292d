import { ConfigFileError } from '../../errors.js';
import type { CatalogRole, SessionStatus } from '../../core/types.js';
import { blockSections, type BlockSection } from './block-sections.js';
import { existingNames } from './existing-profiles.js';
import { hasUserProfile, rolesWithUserProfiles } from './user-role-profiles.js';
import { findManagedBlock, replaceManagedBlock, type ManagedBlock } from './managed-block.js';
import { renderProfiles, type ConfigFormat } from './render-profiles.js';
import { validateIni, type IniSection } from './validate-ini.js';

export interface PlanInput {
  /** The file's current text; '' when it does not exist yet. */
  text: string;
  /** Path, for messages. */
  file: string;
  roles: CatalogRole[];
  sessions: SessionStatus[];
  format: ConfigFormat;
  template?: string;
  region?: string;
  command: string;
}

export interface Plan {
  text: string;
  changed: boolean;
  warnings: string[];
  /** Profile names in the new block. */
  profiles: string[];
  added: string[];
  removed: string[];
  /** Profiles kept as they were because their session has not synced since the agent started. */
  kept: string[];
}

function sectionsOutside(sections: IniSection[], block: ManagedBlock | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of sections) {
    if (block && s.line > block.beginLine && s.line < block.endLine) continue;
    out.set(s.header, JSON.stringify(s.options.map((o) => [o.key, o.value])));
  }
  return out;
}

/** Lines after the END marker that, lacking a header of their own, belong to a generated section. */
function checkNoOrphans(sections: IniSection[], block: ManagedBlock | undefined, file: string): void {
  if (!block) return;
  for (const s of sections) {
    if (s.line <= block.beginLine || s.line >= block.endLine) continue;
    const orphan = s.options.find((o) => o.line > block.endLine);
    if (orphan) {
      throw new ConfigFileError(`${file} line ${orphan.line}: \`${orphan.key}\` follows the sso-agent block without a [section] header of its own, so it would belong to a generated profile; put it under a header (nothing was changed)`);
    }
  }
}

/**
 * The refusals that need no catalog: a file that does not parse, broken block markers, lines
 * stranded after the block. The command runs this before asking the agent anything.
 */
export function checkConfigText(text: string, file: string): { sections: IniSection[]; block: ManagedBlock | undefined } {
  const check = validateIni(text);
  if (!check.ok) throw new ConfigFileError(`${file} cannot be parsed, so it was not changed: ${check.problem}`);
  const block = findManagedBlock(text, file);
  checkNoOrphans(check.sections, block, file);
  return { sections: check.sections, block };
}

/**
 * Everything `sso-agent config` decides, as one pure function: the new text of the config file
 * and what to tell the user. Refuses (ConfigFileError) rather than guess when the file does not
 * parse or the result would alter anything outside the block.
 */
export function planConfig(input: PlanInput): Plan {
  const { text, file } = input;
  const { sections, block } = checkConfigText(text, file);
  const names = existingNames(sections, block);
  // A role the person already has a profile for gets no second name (nor a warning about one).
  const owned = rolesWithUserProfiles(sections, block, input.roles, input.sessions);
  const roles = input.roles.filter((r) => !r.aliasOf && !hasUserProfile(owned, r));
  const rendered = renderProfiles(roles, {
    format: input.format,
    command: input.command,
    sessions: input.sessions,
    taken: names.profiles,
    ssoSessionsOutside: names.ssoSessions,
    ...(input.template !== undefined ? { template: input.template } : {}),
    ...(input.region !== undefined ? { region: input.region } : {}),
  });
  const warnings = [...rendered.warnings];

  // A session that has not listed its roles since the agent started (the agent restarted and
  // nobody logged in yet) has no roles in the catalog; pruning its profiles then would delete
  // working config. Keep them as they were until the session syncs.
  const old = block ? blockSections(block.body) : [];
  const withRoles = new Set(roles.map((r) => r.session));
  const generated = new Set(rendered.profiles.map((p) => p.name));
  const statusOf = new Map(input.sessions.map((s) => [s.name, s]));
  const keep: BlockSection[] = [];
  const keptBySession = new Map<string, number>();
  for (const s of old) {
    if (s.session === undefined || withRoles.has(s.session)) continue;
    const status = statusOf.get(s.session);
    if (!status || status.lastSync) continue;
    if (s.profile !== undefined && (generated.has(s.profile) || names.profiles.has(s.profile))) continue;
    if (s.profile === undefined && !/^\s*\[sso-session /.test(s.lines.find((l) => l.trimStart().startsWith('[')) ?? '')) continue;
    keep.push(s);
    if (s.profile !== undefined) keptBySession.set(s.session, (keptBySession.get(s.session) ?? 0) + 1);
  }
  for (const [session, n] of keptBySession) {
    warnings.push(`kept ${n} profile${n === 1 ? '' : 's'} of session ${session} as they were: the agent has not listed its roles since it started; run \`sso-agent login --session ${session}\`, then \`sso-agent config --write\` again`);
  }

  const keptSso = keep.filter((s) => s.profile === undefined);
  const keptProfiles = keep.filter((s) => s.profile !== undefined);
  const ssoSessionSections = [...rendered.ssoSessions];
  const renderedSsoNames = new Set(rendered.ssoSessions.map((lines) => lines[1]));
  for (const s of keptSso) {
    const header = s.lines.find((l) => l.trimStart().startsWith('['));
    if (!renderedSsoNames.has(header)) ssoSessionSections.push(s.lines);
  }
  const profileSections = [
    ...rendered.profiles.map((p) => ({ name: p.name, lines: p.lines })),
    ...keptProfiles.map((s) => ({ name: s.profile ?? '', lines: s.lines })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const body: string[] = [];
  for (const lines of [...ssoSessionSections, ...profileSections.map((p) => p.lines)]) {
    if (body.length > 0) body.push('');
    body.push(...lines);
  }

  if (block?.handEdited && block.body.join('\n') !== body.join('\n')) {
    warnings.push(`the sso-agent block in ${file} (lines ${block.beginLine}-${block.endLine}) was edited by hand; writing replaces those edits (the diff shows them; --write keeps the previous file as ${file}.bak)`);
  }

  const next = replaceManagedBlock(text, body, file);
  const after = validateIni(next);
  if (!after.ok) throw new ConfigFileError(`refusing to change ${file}: the result would not parse (${after.problem}); please report this`);
  const before = sectionsOutside(sections, block);
  const nowOutside = sectionsOutside(after.sections, findManagedBlock(next, file));
  for (const [header, opts] of before) {
    if (nowOutside.get(header) !== opts) throw new ConfigFileError(`refusing to change ${file}: [${header}] outside the sso-agent block would change; please report this`);
  }

  const oldNames = new Set(old.map((s) => s.profile).filter((p): p is string => p !== undefined));
  const newNames = profileSections.map((p) => p.name);
  const newSet = new Set(newNames);
  return {
    text: next,
    changed: next !== text,
    warnings,
    profiles: newNames,
    added: newNames.filter((n) => !oldNames.has(n)),
    removed: [...oldNames].filter((n) => !newSet.has(n)).sort(),
    kept: keptProfiles.map((s) => s.profile ?? ''),
  };
}
