/** `sso-agent config` end to end on real files, with the agent replaced by a fixed catalog. */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConfig, type ConfigDeps } from '../../../src/cli/commands/config.js';
import type { CatalogRole, SessionStatus } from '../../../src/core/types.js';
import { tempDir } from '../../support/temp-dirs.js';

const role = (session: string, accountId: string, accountName: string, roleName: string, profile: string): CatalogRole => ({
  session, accountId, accountName, roleName, profile, roleArn: `arn:aws:iam::${accountId}:role/${roleName}`, stale: false,
});
const ROLES = [
  role('work', '111111111111', 'Production', 'Admin', 'work-production-admin'),
  role('work', '222222222222', 'Sandbox', 'Developer', 'work-sandbox-developer'),
];
const SESSIONS: SessionStatus[] = [{
  name: 'work', startUrl: 'https://w.awsapps.com/start', region: 'eu-west-1', state: 'active', refreshable: true,
  lastSync: '2026-11-23T09:00:00.000Z', accounts: 2, roles: 2, staleAccounts: 0,
}];

function harness(env: NodeJS.ProcessEnv, roles = ROLES) {
  const out: string[] = [];
  const err: string[] = [];
  const deps: ConfigDeps = {
    env, out: (s) => out.push(s), err: (s) => err.push(s),
    agent: { profiles: async () => roles, sessions: async () => SESSIONS },
    selfCommand: () => '/usr/bin/node /opt/sso/dist/cli/main.js',
  };
  return { deps, out: () => out.join(''), err: () => err.join('') };
}

function home(): { dir: string; file: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir(join(tmpdir(), 'sso-agent-cfg-'));
  return { dir, file: join(dir, '.aws', 'config'), env: { HOME: dir } };
}

t.test('dry run (the default) shows a unified diff and writes nothing', async (t) => {
  const h = home();
  const f = join(h.dir, 'config');
  writeFileSync(f, '[default]\nregion = us-east-1\n');
  const io = harness({ ...h.env, AWS_CONFIG_FILE: f });
  t.equal(await runConfig([], io.deps), 0);
  t.match(io.out(), new RegExp(`^=+\\nindex|^--- ${f}\\tcurrent`, 'm'));
  t.match(io.out(), /^\+\[profile work-production-admin\]$/m);
  t.match(io.out(), /^\+credential_process = \/usr\/bin\/node \/opt\/sso\/dist\/cli\/main.js credential-process work-production-admin$/m);
  t.match(io.err(), /dry run: 2 profiles \(\+2 added, -0 removed\); nothing written/);
  t.equal(readFileSync(f, 'utf8'), '[default]\nregion = us-east-1\n', 'file untouched');
  t.notOk(existsSync(`${f}.bak`));
  const again = harness({ ...h.env, AWS_CONFIG_FILE: f });
  t.equal(await runConfig(['--dry-run'], again.deps), 0);
  t.equal(again.out(), io.out(), '--dry-run says the same');
});

t.test('--write writes; a second run changes nothing, not even the backup', async (t) => {
  const h = home();
  const io = harness(h.env);
  t.equal(await runConfig(['--write'], io.deps), 0, 'creates ~/.aws/config when missing');
  t.match(io.out(), new RegExp(`wrote 2 profiles to ${h.file} \\(\\+2 added, -0 removed\\)\\n$`));
  const first = readFileSync(h.file, 'utf8');
  t.match(first, /\[profile work-sandbox-developer\]\ncredential_process = .*\nregion = eu-west-1\n/);
  writeFileSync(h.file, '# mine\n' + first);
  const io2 = harness(h.env);
  await runConfig(['--write'], io2.deps);
  t.match(io2.out(), /is up to date \(2 profiles in the sso-agent block\)/);
  t.notOk(existsSync(`${h.file}.bak`), 'nothing written, so no backup either');

  const io3 = harness(h.env, ROLES.slice(0, 1));
  await runConfig(['--write'], io3.deps);
  t.match(io3.out(), /wrote 1 profile to .*\(\+0 added, -1 removed\); the previous version is .*config\.bak/);
  t.notMatch(readFileSync(h.file, 'utf8'), /work-sandbox-developer/, 'pruned');
  t.equal(readFileSync(`${h.file}.bak`, 'utf8'), '# mine\n' + first);
});

t.test('which file: --config-file, else AWS_CONFIG_FILE, else ~/.aws/config', async (t) => {
  const h = home();
  const viaEnv = join(h.dir, 'env-config');
  const viaFlag = join(h.dir, 'flag-config');
  await runConfig(['--write'], harness({ ...h.env, AWS_CONFIG_FILE: viaEnv }).deps);
  t.ok(existsSync(viaEnv));
  t.notOk(existsSync(h.file));
  await runConfig(['--write', '--config-file', viaFlag], harness({ ...h.env, AWS_CONFIG_FILE: viaEnv }).deps);
  t.ok(existsSync(viaFlag));
});

t.test('clash: warning on stderr naming the clash, the user profile kept', async (t) => {
  const h = home();
  const f = join(h.dir, 'config');
  const mine = '[profile work-production-admin]\nregion = us-west-2\n';
  writeFileSync(f, mine);
  const io = harness({ ...h.env, AWS_CONFIG_FILE: f });
  await runConfig(['--write'], io.deps);
  t.match(io.err(), /^sso-agent: warning: skipped Production \(111111111111\) \/ Admin in session work: profile "work-production-admin" is already defined on line 1, outside the sso-agent block/m);
  const text = readFileSync(f, 'utf8');
  t.ok(text.startsWith(mine));
  t.equal(text.match(/\[profile work-production-admin\]/g)?.length, 1);
});

t.test('a file that does not parse is refused, naming the line, and left alone', async (t) => {
  const h = home();
  const f = join(h.dir, 'config');
  const broken = '[default]\nregion = us-east-1\n\n[profile x]\nthis line is wrong\n';
  writeFileSync(f, broken);
  await t.rejects(runConfig(['--write'], harness({ ...h.env, AWS_CONFIG_FILE: f }).deps), {
    code: 'ConfigFileError', exitCode: 1, message: new RegExp(`^${f} cannot be parsed, so it was not changed: line 5: \`this line is wrong\` is not \`key = value\``),
  });
  t.equal(readFileSync(f, 'utf8'), broken);
  t.notOk(existsSync(`${f}.bak`));
  writeFileSync(f, Buffer.from([0x5b, 0x61, 0x5d, 0x0a, 0x6b, 0x3d, 0xff, 0x0a]));
  await t.rejects(runConfig(['--write'], harness({ ...h.env, AWS_CONFIG_FILE: f }).deps), { code: 'ConfigFileError', message: /not UTF-8/ });
});

t.test('usage errors and an empty catalog', async (t) => {
  const h = home();
  const run = (argv: string[], roles = ROLES) => runConfig(argv, harness(h.env, roles).deps);
  await t.rejects(run(['--write', '--dry-run']), { code: 'BadUsage', exitCode: 2, message: /contradict/ });
  await t.rejects(run(['--format', 'json']), { code: 'BadUsage', message: /--format takes credential_process or sso-session/ });
  await t.rejects(run(['--template', '{acct}']), { code: 'BadUsage', message: /unknown placeholder \{acct\}/ });
  await t.rejects(run(['--region', 'Mars']), { code: 'BadUsage', message: /--region/ });
  await t.rejects(run(['extra']), { code: 'BadUsage', message: /unexpected argument "extra"/ });
  await t.rejects(run(['--bogus']), { code: 'BadUsage', message: /^config: unknown option --bogus; config accepts --write, --dry-run, --config-file CONFIG_FILE/ });
  await t.rejects(run(['--write'], []), { code: 'NoProfiles', message: /run `sso-agent login`/ });
  t.notOk(existsSync(h.file), 'nothing written for an empty catalog');
  const io = harness(h.env);
  t.equal(await runConfig(['--help'], io.deps), 0);
  t.match(io.out(), /Usage: sso-agent config .*--template TEMPLATE/s);
});

t.test('--template, --region and --format sso-session through the command', async (t) => {
  const h = home();
  const io = harness(h.env);
  await runConfig(['--write', '--template', '{account_name}-{role_name}', '--region', 'ap-south-1', '--format', 'sso-session'], io.deps);
  const text = readFileSync(h.file, 'utf8');
  t.match(text, /\[sso-session work\]\nsso_start_url = https:\/\/w.awsapps.com\/start\nsso_region = eu-west-1\n/);
  t.match(text, /\[profile Production-Admin\]\nsso_session = work\nsso_account_id = 111111111111\nsso_role_name = Admin\nregion = ap-south-1\n/);
  t.notMatch(text, /credential_process/);
  const seen = JSON.parse(execFileSync('python3', ['-c', 'import json,sys,botocore.configloader as c; print(json.dumps(c.load_config(sys.argv[1])))', h.file], { encoding: 'utf8' }));
  t.same(seen.profiles['Production-Admin'], { sso_session: 'work', sso_account_id: '111111111111', sso_role_name: 'Admin', region: 'ap-south-1' }, 'botocore reads a native SSO profile');
  t.equal(seen.sso_sessions.work.sso_start_url, 'https://w.awsapps.com/start', 'botocore finds its sso-session');
});

t.test('--write on a config with 200 profiles of its own keeps them all intact', async (t) => {
  const h = home();
  const f = join(h.dir, 'config');
  const parts: string[] = ['# 200 hand-made profiles\n[default]\nregion = us-east-1\n'];
  for (let i = 0; i < 200; i++) {
    const kind = i % 4;
    parts.push(`\n${i % 7 === 0 ? '; team ' + i + '\n' : ''}[profile p${i}]\n`
      + (kind === 0 ? `region = eu-west-${1 + (i % 3)}\noutput = json\n`
        : kind === 1 ? `role_arn = arn:aws:iam::${String(i).padStart(12, '0')}:role/R${i}\nsource_profile = default\n`
          : kind === 2 ? `credential_process = /usr/local/bin/tool --id ${i}\ns3 =\n  max_concurrent_requests = ${i}\n`
            : `sso_session = corp\nsso_account_id = ${String(i).padStart(12, '9')}\nsso_role_name = Role${i}\n`));
  }
  parts.push('\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n');
  const original = parts.join('');
  writeFileSync(f, original);
  const io = harness({ ...h.env, AWS_CONFIG_FILE: f });
  t.equal(await runConfig(['--write'], io.deps), 0);
  const after = readFileSync(f, 'utf8');
  t.ok(after.startsWith(original), 'every byte of the original is still there, in order');
  const dump = (p: string) => JSON.parse(execFileSync('python3', ['-c', 'import json,sys,botocore.configloader as c; print(json.dumps(c.load_config(sys.argv[1])))', p], { encoding: 'utf8' }));
  writeFileSync(join(h.dir, 'before'), original);
  const b = dump(join(h.dir, 'before'));
  const a = dump(f);
  t.equal(Object.keys(b.profiles).length, 201);
  for (const [name, v] of Object.entries(b.profiles)) t.same(a.profiles[name], v, `botocore: ${name} intact`);
  t.equal(Object.keys(a.profiles).length, 203, '200 + default + the 2 generated');
  t.equal(statSync(f).mode & 0o777, statSync(join(h.dir, 'before')).mode & 0o777);
});

t.test('--config-file into a folder that does not exist is an error, not a silent mkdir', async (t) => {
  const h = home();
  const missing = join(h.dir, 'no-such-dir', 'config');
  const io = harness(h.env);
  await t.rejects(runConfig(['--write', '--config-file', missing], io.deps), {
    code: 'ConfigFileError',
    message: `the folder ${join(h.dir, 'no-such-dir')} does not exist, so ${missing} was not written: create it (mkdir -p ${join(h.dir, 'no-such-dir')}) or pass another --config-file`,
  });
  t.notOk(existsSync(join(h.dir, 'no-such-dir')), 'nothing created');
});
