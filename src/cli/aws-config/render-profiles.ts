import type { CatalogRole, SessionStatus } from '../../core/types.js';
import { profileNameFor } from './profile-name.js';
import { quoteWord } from './self-command.js';

export type ConfigFormat = 'credential_process' | 'sso-session';
export const CONFIG_FORMATS: readonly ConfigFormat[] = ['credential_process', 'sso-session'];

export interface RenderOptions {
  format: ConfigFormat;
  /** Checked with parseTemplate; undefined means the catalog's profile name. */
  template?: string;
  /** --region: wins over the session's region. */
  region?: string;
  /** The quoted self invocation (selfCommand()); `credential-process NAME` is appended. */
  command: string;
  sessions: SessionStatus[];
  /** Profile names defined outside the managed block → the line that defines them. */
  taken: ReadonlyMap<string, number>;
  /** `[sso-session NAME]` sections outside the block (sso-session format does not repeat them). */
  ssoSessionsOutside: ReadonlySet<string>;
}

export interface RenderedProfile {
  name: string;
  session: string;
  /** The section's lines, its marker comment first. */
  lines: string[];
}

export interface Rendered {
  profiles: RenderedProfile[];
  /** `[sso-session]` sections the sso-session format needs and the file lacks. */
  ssoSessions: string[][];
  warnings: string[];
}

/** The comment above each generated section; `session=` is read back to keep unsynced sessions. */
export const META_RE = /^# session=(\S+) account=(\S*) role=(\S*)/;

function oneLine(s: string): string {
  // Account names are free text from the portal; a line break would end the comment early.
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

function metaLine(role: CatalogRole): string {
  return `# session=${role.session} account=${role.accountId} role=${role.roleName} name=${oneLine(role.accountName)}`;
}

function byRole(a: CatalogRole, b: CatalogRole): number {
  return a.session.localeCompare(b.session, 'en') || a.accountId.localeCompare(b.accountId, 'en') || a.roleName.localeCompare(b.roleName, 'en');
}

function describe(role: CatalogRole): string {
  return `${role.accountName || role.accountId} (${role.accountId}) / ${role.roleName} in session ${role.session}`;
}

/**
 * One section per role, sorted by profile name so the block's order is stable across syncs.
 * Roles whose name clashes with a profile outside the block, or with an earlier role, are
 * skipped with a warning that names both.
 */
export function renderProfiles(roles: CatalogRole[], opts: RenderOptions): Rendered {
  const warnings: string[] = [];
  const sessions = new Map(opts.sessions.map((s) => [s.name, s]));
  const chosen = new Map<string, { role: CatalogRole; lines: string[] }>();
  const neededSsoSessions = new Set<string>();

  for (const role of [...roles].sort(byRole)) {
    const name = profileNameFor(role, opts.template);
    if (name === '') {
      warnings.push(`skipped ${describe(role)}: the profile name template leaves nothing usable; pick another --template`);
      continue;
    }
    const line = opts.taken.get(name);
    if (line !== undefined) {
      warnings.push(`skipped ${describe(role)}: profile ${JSON.stringify(name)} is already defined on line ${line}, outside the sso-agent block; rename one of them or use --template`);
      continue;
    }
    const earlier = chosen.get(name);
    if (earlier) {
      warnings.push(`skipped ${describe(role)}: its profile name ${JSON.stringify(name)} is already used for ${describe(earlier.role)}; use a --template with {account_id} or {session}`);
      continue;
    }
    const session = sessions.get(role.session);
    const region = opts.region ?? session?.region;
    const lines = [metaLine(role), `[profile ${name}]`];
    if (opts.format === 'credential_process') {
      let arg: string;
      try {
        arg = quoteWord(role.profile, 'the profile name');
      } catch (err) {
        warnings.push(`skipped ${describe(role)}: ${(err as Error).message}`);
        continue;
      }
      lines.push(`credential_process = ${opts.command} credential-process ${arg}`);
    } else {
      if (!session && !opts.ssoSessionsOutside.has(role.session)) {
        warnings.push(`skipped ${describe(role)}: the agent reports no session ${JSON.stringify(role.session)}, so its start URL is unknown`);
        continue;
      }
      // Never mix credential_process and sso_* keys in one profile: botocore tries SSO first, JS the process first.
      lines.push(`sso_session = ${role.session}`, `sso_account_id = ${role.accountId}`, `sso_role_name = ${role.roleName}`);
      if (!opts.ssoSessionsOutside.has(role.session)) neededSsoSessions.add(role.session);
    }
    if (region) lines.push(`region = ${region}`);
    chosen.set(name, { role, lines });
  }

  const profiles = [...chosen.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, c]) => ({ name, session: c.role.session, lines: c.lines }));
  const ssoSessions = [...neededSsoSessions].sort().flatMap((name) => {
    const s = sessions.get(name);
    if (!s) return [];
    return [[
      `# session=${name} account= role= name=sso-session for the profiles below`,
      `[sso-session ${name}]`,
      `sso_start_url = ${s.startUrl}`,
      `sso_region = ${s.region}`,
      // What `aws configure sso` writes: lets the AWS CLI get a refresh token.
      'sso_registration_scopes = sso:account:access',
    ]];
  });
  return { profiles, ssoSessions, warnings };
}
