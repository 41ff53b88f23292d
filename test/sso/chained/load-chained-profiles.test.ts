// The pure half of chained profiles: which config sections are chained, what each source_profile
// stands for, and the loop and depth refusals — on lists of accepted and rejected inputs.
import t from 'tap';
import { agentProfileOfProcess } from '../../../src/ini/agent-process-line.js';
import {
  MAX_CHAIN_DEPTH, readChainedConfig, resolveChained, type ConfigSections,
} from '../../../src/sso/chained/load-chained-profiles.js';

const FILE = '/home/me/.aws/config';
interface Role { profile: string; session: string; accountId: string; roleName: string }
const catalog: Role[] = [
  { profile: 'hub-admin', session: 'work', accountId: '111111111111', roleName: 'Admin' },
  { profile: 'hub-read', session: 'work', accountId: '111111111111', roleName: 'ReadOnly' },
  { profile: 'other-admin', session: 'other', accountId: '111111111111', roleName: 'Admin' },
];
function agentRole(ref: string, session?: string): Role | undefined {
  return catalog.find((r) => (r.profile === ref || `${r.accountId}:${r.roleName}` === ref) && (!session || r.session === session));
}
const resolve = (sections: ConfigSections, catalogEmpty = false) =>
  resolveChained(readChainedConfig(sections, FILE), { agentRole: catalogEmpty ? () => undefined : agentRole, catalogEmpty, file: FILE });
const arn = (n: number | string) => `arn:aws:iam::22222222222${n}:role/Target`;

t.test('credential_process lines that call this agent, and ones that do not', async (t) => {
  const yes: Array<[string, string]> = [
    ['"/usr/bin/node" "/opt/sso agent/dist/cli/main.js" credential-process hub-admin', 'hub-admin'],
    ['/usr/bin/node /home/me/aws-sso-agent/dist/cli/main.js credential-process 111111111111:Admin', '111111111111:Admin'],
    ['sso-agent credential-process hub-read', 'hub-read'],
    ["/usr/local/bin/sso-agent credential-process 'hub-read'", 'hub-read'],
    ['npx sso-agent credential-process hub-read', 'hub-read'],
  ];
  for (const [line, want] of yes) t.equal(agentProfileOfProcess(line), want, line);
  for (const line of [
    'aws-vault export --format=json prod',
    'sso-agent credential-process',
    'sso-agent env hub-read',
    '/usr/bin/node /tmp/other-tool.js credential-process hub-read',
    'granted credential-process --profile hub-read',
  ]) t.equal(agentProfileOfProcess(line), undefined, line);
});

t.test('sources: an agent profile, a config --write profile, an sso-session profile, another chained profile', async (t) => {
  const r = resolve({
    default: { region: 'eu-west-1' },
    'hub-admin': { credential_process: '"/usr/bin/node" "/x/dist/cli/main.js" credential-process hub-admin', region: 'eu-west-1' },
    native: { sso_session: 'other', sso_account_id: '111111111111', sso_role_name: 'Admin' },
    direct: { role_arn: arn(1), source_profile: 'hub-read', role_session_name: 'me', external_id: 'xid-1', duration_seconds: '900', region: 'us-west-2' },
    written: { role_arn: arn(2), source_profile: 'hub-admin' },
    sso: { role_arn: arn(3), source_profile: 'native' },
    second: { role_arn: arn(4), source_profile: 'direct' },
    'sso-session.work': { sso_start_url: 'https://x', sso_region: 'us-east-1' },
  });
  const ok = (name: string) => { const x = r.get(name); if (!x?.ok) throw new Error(`${name}: ${x ? x.why : 'missing'}`); return x; };
  t.same(ok('direct').def, { name: 'direct', roleArn: arn(1), sourceProfile: 'hub-read', roleSessionName: 'me', externalId: 'xid-1', durationSeconds: 900, region: 'us-west-2' });
  t.same(ok('direct').path, ['direct', 'hub-read']);
  t.equal(ok('written').root.profile, 'hub-admin', 'the written profile stands for the agent role it names');
  t.equal(ok('sso').root.profile, 'other-admin', 'an sso_session profile is that session\'s role, not the same role of another session');
  t.same(ok('second').path, ['second', 'direct', 'hub-read']);
  t.same(ok('second').source, { kind: 'chained', name: 'direct' });
  t.same([...r.keys()].sort(), ['direct', 'second', 'sso', 'written'], 'only role_arn + source_profile sections are chained');
});

t.test('sources that are not the agent\'s are ignored with the reason, quietly before the first sync', async (t) => {
  const sections: ConfigSections = {
    keys: { aws_access_key_id: 'AKIA…', aws_secret_access_key: 'x' },
    vault: { credential_process: 'aws-vault export --format=json prod' },
    onKeys: { role_arn: arn(1), source_profile: 'keys' },
    onVault: { role_arn: arn(2), source_profile: 'vault' },
    onNothing: { role_arn: arn(3), source_profile: 'no-such-role' },
    onBroken: { role_arn: arn(4), source_profile: 'onKeys' },
    'hub-admin': { role_arn: arn(5), source_profile: 'hub-read' },
  };
  const r = resolve(sections);
  const why = (name: string) => { const x = r.get(name)!; t.notOk(x.ok, name); return x.ok ? '' : x.why; };
  t.match(why('onKeys'), /source_profile keys is not served by the agent \(\[profile keys\] has its own credentials/);
  t.match(why('onVault'), /\[profile vault\] runs a credential_process that is not `sso-agent credential-process`/);
  t.match(why('onNothing'), /no profile named no-such-role.*`sso-agent ls`/);
  t.match(why('onBroken'), /source_profile onKeys is not served by the agent/);
  t.match(why('hub-admin'), /the agent already serves a role named hub-admin.*rename \[profile hub-admin\]/);
  const early = resolve(sections, true).get('onNothing')!;
  t.ok(!early.ok && !early.invalid && early.quiet, 'an unknown agent name before the first sync is not logged');
});

t.test('loops and over-deep chains are refused, naming the profiles', async (t) => {
  const r = resolve({
    a: { role_arn: arn(1), source_profile: 'b' },
    b: { role_arn: arn(2), source_profile: 'c' },
    c: { role_arn: arn(3), source_profile: 'a' },
    self: { role_arn: arn(4), source_profile: 'self' },
    above: { role_arn: arn(5), source_profile: 'a' },
  });
  const why = (name: string) => { const x = r.get(name)!; return !x.ok && x.invalid ? x.why : `not refused: ${JSON.stringify(x)}`; };
  t.match(why('a'), /^source_profile loop a → b → c → a: fix source_profile in one of these profiles in \/home\/me\/\.aws\/config$/);
  t.match(why('c'), /^source_profile loop a → b → c → a/, 'each member of the loop names the same loop');
  t.match(why('self'), /^source_profile loop self → self/);
  t.match(why('above'), /^source_profile loop a → b → c → a/, 'a profile standing on a loop is refused with it');

  const chain: ConfigSections = {};
  for (let i = 1; i <= MAX_CHAIN_DEPTH + 1; i++) chain[`p${i}`] = { role_arn: arn(i % 10), source_profile: i === MAX_CHAIN_DEPTH + 1 ? 'hub-admin' : `p${i + 1}` };
  const deep = resolve(chain);
  t.match(deep.get('p1'), { ok: false, invalid: true, why: new RegExp(`deeper than ${MAX_CHAIN_DEPTH} AssumeRole hops`) });
  t.match(deep.get('p2'), { ok: true }, `${MAX_CHAIN_DEPTH} hops are fine`);
  t.equal((deep.get('p2') as { path: string[] }).path.length, MAX_CHAIN_DEPTH + 1);
});

t.test('values that can never work are refused as written', async (t) => {
  const r = resolve({
    slow: { role_arn: arn(1), source_profile: 'hub-read', duration_seconds: '1h' },
    'my:name': { role_arn: arn(2), source_profile: 'hub-read' },
    mfa: { role_arn: arn(3), source_profile: 'hub-read', mfa_serial: 'arn:aws:iam::111111111111:mfa/me' },
  });
  t.match(r.get('mfa'), { ok: false, invalid: true, why: /cannot ask for an MFA code.*drop mfa_serial from \[profile mfa\]/ });
  t.match(r.get('slow'), { ok: false, invalid: true, why: /duration_seconds must be a whole number of seconds, not "1h": fix \[profile slow\]/ });
  t.match(r.get('my:name'), { ok: false, invalid: true, why: /characters the agent cannot serve/ });
});
