import t from 'tap';
import { readChainedConfig } from '../../../src/sso/chained/load-chained-profiles.js';
import { resolveUserProfiles } from '../../../src/sso/chained/user-profiles.js';
import type { CatalogRole } from '../../../src/core/types.js';

const role = (session: string, accountId: string, roleName: string, profile: string): CatalogRole =>
  ({ session, accountId, accountName: 'a', roleName, roleArn: null, profile, stale: false });
const catalog = [role('corp', '111111111111', 'Admin', 'acme-admin'), role('corp', '222222222222', 'Dev', 'acme-dev'), role('other', '111111111111', 'Admin', 'other-acme-admin')];

const sections = readChainedConfig({
  default: { sso_session: 'other', sso_account_id: '111111111111', sso_role_name: 'Admin' },
  'prod-admin': { sso_session: 'corp', sso_account_id: '111111111111', sso_role_name: 'Admin', region: 'eu-west-1' },
  legacy: { sso_start_url: 'https://d-1.awsapps.com/start/', sso_region: 'eu-west-1', sso_account_id: '222222222222', sso_role_name: 'Dev' },
  proc: { credential_process: 'sso-agent credential-process acme-dev' },
  'acme-dev': { credential_process: 'sso-agent credential-process acme-dev' },
  gone: { sso_session: 'corp', sso_account_id: '999999999999', sso_role_name: 'X' },
  nosession: { sso_session: 'nope', sso_account_id: '1', sso_role_name: 'X' },
  nourl: { sso_start_url: 'https://d-9.awsapps.com/start', sso_account_id: '1', sso_role_name: 'X' },
  keys: { aws_access_key_id: 'A' },
  'login-user': { login_session: 'arn:aws:iam::1:user/a' },
  'bad name!': { sso_session: 'corp', sso_account_id: '111111111111', sso_role_name: 'Admin' },
}, 'cfg').sections;

const out = resolveUserProfiles(sections, {
  agentRole: (ref, session) => catalog.find((r) => (r.profile === ref || `${r.accountId}:${r.roleName}` === ref) && (!session || r.session === session)),
  hasSession: (s) => s === 'corp' || s === 'other',
  sessionForStartUrl: (u) => (u.replace(/\/+$/, '') === 'https://d-1.awsapps.com/start' ? 'corp' : undefined),
  file: 'cfg',
});

t.same(out.rows.map((r) => [r.profile, r.session, r.accountId, r.aliasOf]), [
  ['default', 'other', '111111111111', 'other-acme-admin'],
  ['prod-admin', 'corp', '111111111111', 'acme-admin'],
  ['legacy', 'corp', '222222222222', 'acme-dev'],
  ['proc', 'corp', '222222222222', 'acme-dev'],
], 'native (within its session), legacy (by start URL), credential_process; the agent\'s own name is not repeated');
t.match(out.missing.get('gone'), /\[profile gone\] in cfg names 999999999999:X, which SSO session corp does not list .*`sso-agent sync --session corp`/);
t.match(out.missing.get('nosession'), /names the SSO session nope, which the agent does not have: add \[sso-session nope\]/);
t.match(out.missing.get('nourl'), /start URL https:\/\/d-9\.awsapps\.com\/start, which no agent session has: run `sso-agent login --start-url/);
t.notOk(out.missing.has('keys') || out.missing.has('login-user') || out.missing.has('bad name!'), 'keys, login_session and unusable names are left alone');
