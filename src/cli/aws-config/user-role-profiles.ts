import { agentProfileOfProcess } from '../../ini/agent-process-line.js';
import type { CatalogRole, SessionStatus } from '../../core/types.js';
import type { ManagedBlock } from './managed-block.js';
import { profileNameOf, ssoSessionNameOf, type IniSection } from './validate-ini.js';

const roleKey = (session: string, accountId: string, roleName: string) => `${session}\0${accountId}\0${roleName}`;

/**
 * The roles the person already has a profile for, outside the managed block: an sso_session
 * profile, a legacy sso_start_url profile (matched to the session by start URL), or a
 * credential_process running `sso-agent credential-process P`. `config` writes no second name
 * for those. Pure. Answers role keys (session, account, role) → the person's profile name.
 */
export function rolesWithUserProfiles(sections: IniSection[], block: Pick<ManagedBlock, 'beginLine' | 'endLine'> | undefined, roles: CatalogRole[], sessions: SessionStatus[]): Map<string, string> {
  const out = new Map<string, string>();
  const byStartUrl = new Map(sessions.map((s) => [s.startUrl.replace(/\/+$/, ''), s.name]));
  const ssoSessionUrls = new Map<string, string>();
  for (const s of sections) {
    const name = ssoSessionNameOf(s.header);
    const url = s.options.find((o) => o.key === 'sso_start_url')?.value;
    if (name && url) ssoSessionUrls.set(name, url.replace(/\/+$/, ''));
  }
  for (const s of sections) {
    if (block && s.line > block.beginLine && s.line < block.endLine) continue;
    const profile = profileNameOf(s.header);
    if (profile === undefined) continue;
    const get = (k: string) => s.options.find((o) => o.key === k)?.value.trim();
    const account = get('sso_account_id');
    const roleName = get('sso_role_name');
    const process = get('credential_process');
    let role: CatalogRole | undefined;
    if (account && roleName) {
      const sessionName = get('sso_session');
      // The agent's session of that name, or (legacy form, or a section named differently) of that start URL.
      const url = sessionName ? ssoSessionUrls.get(sessionName) : get('sso_start_url')?.replace(/\/+$/, '');
      const candidates = new Set([sessionName, url && byStartUrl.get(url)].filter((x): x is string => !!x));
      role = roles.find((r) => candidates.has(r.session) && r.accountId === account && r.roleName === roleName);
    } else if (process) {
      const ref = agentProfileOfProcess(process);
      if (ref && ref !== profile) role = roles.find((r) => r.profile === ref || `${r.accountId}:${r.roleName}` === ref);
    }
    if (role && !out.has(roleKey(role.session, role.accountId, role.roleName))) out.set(roleKey(role.session, role.accountId, role.roleName), profile);
  }
  return out;
}

export function hasUserProfile(owned: Map<string, string>, r: CatalogRole): boolean {
  return owned.has(roleKey(r.session, r.accountId, r.roleName));
}
