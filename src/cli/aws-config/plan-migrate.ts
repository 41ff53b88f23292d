/**
 * What `sso-agent migrate` changes, as one pure function: every profile the AWS CLI's own SSO
 * serves (native `sso_session` + `sso_account_id` + `sso_role_name`, or the legacy form with
 * `sso_start_url`) is rewritten in place to use the agent, keeping its name, position, comments
 * and other keys. Its SSO lines give way to one `credential_process` line (as `config --write`
 * writes it) naming the role as `ACCOUNT_ID:ROLE_NAME`, which does not depend on the section
 * itself. `[sso-session]` sections stay: the agent reads them. A legacy start URL that no
 * `[sso-session]` section covers gets one at the end of the file, so the agent still knows it.
 * Running it again changes nothing.
 */
import { ConfigFileError } from '../../errors.js';
import type { CatalogRole, SessionStatus } from '../../core/types.js';
import { findManagedBlock } from './managed-block.js';
import { profileNameOf, splitLines, ssoSessionNameOf, validateIni, type IniSection } from './validate-ini.js';

const SSO_KEYS: ReadonlySet<string> = new Set(['sso_session', 'sso_account_id', 'sso_role_name', 'sso_start_url', 'sso_region', 'sso_registration_scopes']);

export interface MigrateInput {
  text: string;
  file: string;
  /** The agent's credential_process command up to `credential-process` (self-command.ts). */
  command: string;
  /** What the running agent knows, to warn about roles it does not list; absent when it is not running. */
  agent?: { roles: CatalogRole[]; sessions: SessionStatus[] };
}

export interface MigratePlan {
  text: string;
  changed: boolean;
  /** Profile names rewritten, in file order. */
  migrated: string[];
  /** `[sso-session]` sections added for legacy start URLs. */
  addedSessions: string[];
  warnings: string[];
}

const trimUrl = (u: string) => u.trim().replace(/\/+$/, '');

/** The first host label of a start URL (d-1234567890), as the agent names sessions it adds. */
function sessionNameFor(startUrl: string, taken: Set<string>): string {
  let label = 'sso';
  try { label = new URL(startUrl).hostname.split('.')[0] || 'sso'; } catch { /* keep 'sso' */ }
  const stem = label.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'sso';
  let name = stem;
  for (let n = 2; taken.has(name); n++) name = `${stem}-${n}`;
  return name;
}

export function planMigrate(input: MigrateInput): MigratePlan {
  const { text, file } = input;
  const check = validateIni(text);
  if (!check.ok) throw new ConfigFileError(`${file} cannot be parsed (the AWS CLI could not read it either), so it was not changed: ${check.problem}`);
  const block = findManagedBlock(text, file);
  const lines = splitLines(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const replace = new Map<number, string | null>();
  const migrated: string[] = [];
  const warnings: string[] = [];
  const sessionUrls = new Map<string, string>();
  for (const s of check.sections) {
    const name = ssoSessionNameOf(s.header);
    const url = s.options.find((o) => o.key === 'sso_start_url')?.value;
    if (name !== undefined && url) sessionUrls.set(trimUrl(url), name);
  }
  const legacy = new Map<string, string>();

  for (const s of check.sections) {
    if (block && s.line > block.beginLine && s.line < block.endLine) continue;
    const profile = profileNameOf(s.header);
    if (profile === undefined) continue;
    const get = (k: string) => s.options.find((o) => o.key === k)?.value.trim();
    const account = get('sso_account_id');
    const role = get('sso_role_name');
    const session = get('sso_session');
    const startUrl = get('sso_start_url');
    if (!account || !role || (!session && !startUrl)) continue;
    if (get('credential_process')) {
      warnings.push(`[${s.header}] (line ${s.line}) has both SSO settings and credential_process, which SDKs read differently; left as it is: keep one of them`);
      continue;
    }
    if (!session && startUrl) {
      const region = get('sso_region');
      if (!sessionUrls.has(trimUrl(startUrl)) && region) legacy.set(trimUrl(startUrl), region);
    }
    rewrite(s, `${input.command} credential-process ${account}:${role}`, lines, replace);
    migrated.push(profile);
    const known = input.agent?.roles.some((r) => r.accountId === account && r.roleName === role);
    if (input.agent && !known) {
      const where = session ? `session ${session}` : startUrl;
      warnings.push(`the agent does not list ${account}:${role} of ${where} yet: after migrating, run \`sso-agent login${session ? ` --session ${session}` : ''}\` (or \`sso-agent sync\`) before using profile ${profile}`);
    }
  }

  const out: string[] = [];
  lines.forEach((line, i) => {
    const r = replace.get(i + 1);
    if (r === undefined) out.push(line);
    else if (r !== null) out.push(r);
  });
  const addedSessions: string[] = [];
  const taken = new Set([...sessionUrls.values(), ...(input.agent?.sessions.map((s) => s.name) ?? [])]);
  for (const [url, region] of legacy) {
    const agentName = input.agent?.sessions.find((s) => trimUrl(s.startUrl) === url)?.name;
    const name = agentName && !sessionUrls.has(url) && ![...sessionUrls.values()].includes(agentName) ? agentName : sessionNameFor(url, taken);
    taken.add(name);
    addedSessions.push(name);
    if (out.length > 0 && out[out.length - 1]?.trim() !== '') out.push('');
    out.push(`[sso-session ${name}]`, `sso_start_url = ${url}`, `sso_region = ${region}`, 'sso_registration_scopes = sso:account:access');
  }
  const next = out.length === 0 ? '' : out.join(eol) + eol;
  const after = validateIni(next);
  if (!after.ok) throw new ConfigFileError(`refusing to change ${file}: the result would not parse (${after.problem}); please report this`);
  const result = migrated.length === 0 && addedSessions.length === 0 ? text : next;
  return { text: result, changed: result !== text, migrated, addedSessions, warnings };
}

/** The section's SSO lines (and their continuations) go; credential_process takes the first one's place. */
function rewrite(s: IniSection, processLine: string, lines: string[], replace: Map<number, string | null>): void {
  let first = true;
  for (const o of s.options) {
    if (!SSO_KEYS.has(o.key)) continue;
    for (let n = o.line; n <= (o.lastLine ?? o.line); n++) replace.set(n, null);
    if (first) {
      const indent = /^\s*/.exec(lines[o.line - 1] ?? '')?.[0] ?? '';
      replace.set(o.line, `${indent}credential_process = ${processLine}`);
      first = false;
    }
  }
}
