/**
 * The person's own profile names for the agent's roles. Pure. A `[profile X]` (or `[default]`) of
 * the AWS config that resolves to a role of an agent session (native `sso_session` +
 * `sso_account_id` + `sso_role_name`, the legacy `sso_start_url` form, or a `credential_process`
 * running `sso-agent credential-process P`) is a second name of that role: `ls` lists it and every
 * command taking a PROFILE accepts it, so names people already type keep working.
 */
import type { CatalogRole } from '../../core/types.js';
import { NAME_RE, type SourceKind } from './load-chained-profiles.js';

/** A user profile row: the role under the person's name; `aliasOf` is the agent's own name for it. */
export type UserProfileRow = CatalogRole & { aliasOf: string };

export interface UserProfilesOptions {
  /** The agent's role for `ref` (a name from `ls` or ACCOUNT_ID:ROLE_NAME), within `session` if given. */
  agentRole(ref: string, session?: string): CatalogRole | undefined;
  /** Whether the agent has that session at all. */
  hasSession(session: string): boolean;
  /** The session serving a legacy profile's start URL. */
  sessionForStartUrl(startUrl: string): string | undefined;
  file: string;
}

export interface UserProfiles {
  rows: UserProfileRow[];
  /** Profiles that name an agent role the catalog does not hold: name → why, naming the fix. */
  missing: Map<string, string>;
}

export function resolveUserProfiles(sections: ReadonlyMap<string, SourceKind>, opts: UserProfilesOptions): UserProfiles {
  const rows: UserProfileRow[] = [];
  const missing = new Map<string, string>();
  for (const [name, kind] of sections) {
    if (kind.kind !== 'agent' || !NAME_RE.test(name)) continue;
    const where = `${name === 'default' ? '[default]' : `[profile ${name}]`} in ${opts.file}`;
    const session = kind.session ?? (kind.startUrl ? opts.sessionForStartUrl(kind.startUrl) : undefined);
    if (kind.startUrl && !session) {
      missing.set(name, `${where} uses the start URL ${kind.startUrl}, which no agent session has: run \`sso-agent login --start-url ${kind.startUrl} --region REGION\``);
      continue;
    }
    if (session && !opts.hasSession(session)) {
      missing.set(name, `${where} names the SSO session ${session}, which the agent does not have: add [sso-session ${session}] to ${opts.file}, or run \`sso-agent login --session ${session} --start-url URL --region REGION\``);
      continue;
    }
    const role = opts.agentRole(kind.ref, session);
    if (!role) {
      missing.set(name, session
        ? `${where} names ${kind.ref}, which SSO session ${session} does not list (yet, or any more): run \`sso-agent sync --session ${session}\`, or \`sso-agent login --session ${session}\` if it needs a login`
        : `${where} runs \`sso-agent credential-process ${kind.ref}\`, and the agent has no profile ${kind.ref}: check \`sso-agent ls\` or run \`sso-agent sync\``);
      continue;
    }
    // A profile `sso-agent config --write` wrote under the agent's own name is that name already.
    if (role.profile === name) continue;
    rows.push({ ...role, profile: name, aliasOf: role.profile });
  }
  return { rows, missing };
}
