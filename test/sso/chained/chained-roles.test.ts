// Chained profiles through the agent core against the emulator: served under their own name,
// one AssumeRole for concurrent requests, untouched by re-logins and re-syncs, renewed before
// expiry, served through an STS outage, and every refusal a clear 4xx with AWS's words and the fix.
import t from 'tap';
import { appendFile } from 'node:fs/promises';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { manualClock, type ManualClock } from '../../support/manual-clock.js';
import type { AgentError } from '../../../src/errors.js';
import type { CatalogRole, RoleCredentials } from '../../../src/core/types.js';
import { deviceLogin, harness, type Harness } from '../../support/sso-harness.js';
import { waitUntil } from '../../support/wait-until.js';

async function identity(h: Harness, c: RoleCredentials): Promise<string> {
  const sts = new STSClient({ region: h.em.region, endpoint: h.em.url, maxAttempts: 1, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken } });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn!;
  } finally {
    sts.destroy();
  }
}

async function refusal(p: Promise<unknown>): Promise<AgentError> {
  try {
    await p;
  } catch (err) {
    return err as AgentError;
  }
  throw new Error('no error');
}

/** A logged-in core; then the chained sections are written and `sync` re-reads them. */
async function setUp(t: { teardown(fn: () => unknown): void }, sections: (src: CatalogRole, accounts: string[]) => string, opts: Parameters<typeof harness>[0] = {}) {
  const h = await harness({ emulator: { accounts: 3, rolesPerAccount: 2 }, ...opts });
  t.teardown(() => h.close());
  await deviceLogin(h, opts.core?.clock ? { clock: opts.core.clock as ManualClock } : {});
  const src = h.core.listProfiles()[0]!;
  const accounts = [...new Set(h.core.listProfiles().map((r) => r.accountId))];
  await appendFile(h.env.AWS_CONFIG_FILE!, sections(src, accounts));
  await h.core.sync();
  return { h, src, accounts };
}

t.test('served under its own name, marked, signing as the assumed role; one AssumeRole for many callers', async (t) => {
  const { h, src, accounts } = await setUp(t, (src, [, spoke, far]) =>
    `[profile spoke]\nrole_arn = arn:aws:iam::${spoke}:role/OrganizationAccountAccessRole\nsource_profile = ${src.profile}\nrole_session_name = jordan\nregion = eu-central-1\n` +
    `[profile far]\nrole_arn = arn:aws:iam::${far}:role/OrganizationAccountAccessRole\nsource_profile = spoke\n`);
  const [, spoke, far] = accounts;
  const rows = h.core.listProfiles().filter((r) => r.chained);
  t.same(rows.map((r) => [r.profile, r.source, r.accountId, r.roleName, r.session, r.region]), [
    ['far', 'spoke', far, 'OrganizationAccountAccessRole', 'work', 'eu-central-1'],
    ['spoke', src.profile, spoke, 'OrganizationAccountAccessRole', 'work', 'eu-central-1'],
  ]);
  t.equal(h.core.resolveProfile('spoke').roleArn, `arn:aws:iam::${spoke}:role/OrganizationAccountAccessRole`);

  const before = (await h.stats()).AssumeRole ?? 0;
  const all = await Promise.all(Array.from({ length: 20 }, () => h.core.getCredentials('spoke')));
  t.equal(new Set(all.map((c) => c.accessKeyId)).size, 1, '20 concurrent requests share one answer');
  t.equal((await h.stats()).AssumeRole, before + 1, 'one AssumeRole call');
  t.equal(await identity(h, all[0]!), `arn:aws:sts::${spoke}:assumed-role/OrganizationAccountAccessRole/jordan`);
  t.equal(all[0]!.accountId, spoke);

  const farCreds = await h.core.getCredentials('far');
  t.match(await identity(h, farCreds), new RegExp(`^arn:aws:sts::${far}:assumed-role/OrganizationAccountAccessRole/sso-agent-\\d+$`), 'two hops, the default session name');
  t.equal((await h.stats()).AssumeRole, before + 2, 'the first hop came from the cache');
  t.ok(h.logs.some((l) => l.includes('"msg":"assumed chained role"') && l.includes('"profile":"far"')));
  t.notOk(h.logs.some((l) => l.includes(farCreds.secretAccessKey) || l.includes(farCreds.sessionToken)), 'no secret in the log');
});

t.test('untouched by a re-login and re-syncs of the source session; re-read on sync; dropped by a logout', async (t) => {
  const { h, src, accounts } = await setUp(t, (src, [, spoke]) =>
    `[profile spoke]\nrole_arn = arn:aws:iam::${spoke}:role/OrganizationAccountAccessRole\nsource_profile = ${src.profile}\n`);
  const first = await h.core.getCredentials('spoke');
  const calls = (await h.stats()).AssumeRole;
  await deviceLogin(h);
  await h.core.sync();
  await h.core.sync('work');
  t.equal((await h.core.getCredentials('spoke')).accessKeyId, first.accessKeyId, 'the same credentials after a re-login and two syncs');
  t.equal((await h.stats()).AssumeRole, calls, 'no new AssumeRole');
  t.ok(h.core.listProfiles().some((r) => r.profile === 'spoke' && r.chained));

  // An edit of the section, seen at the next sync: the old credentials are not served for the new role.
  await appendFile(h.env.AWS_CONFIG_FILE!, `[profile late]\nrole_arn = arn:aws:iam::${accounts[2]}:role/OrganizationAccountAccessRole\nsource_profile = ${src.profile}\n`);
  t.throws(() => h.core.resolveProfile('late'), { code: 'ProfileNotFound' }, 'not known before the re-read');
  await h.core.sync('work');
  t.equal(h.core.resolveProfile('late').accountId, accounts[2]);

  await h.core.logout('work');
  const err = await refusal(h.core.getCredentials('spoke'));
  t.equal(err.code, 'LoginRequired', 'after a logout the chained profile needs the login too');
  t.equal(err.status, 409);
  t.match(err.message, /run `sso-agent login --session work`/);
});

t.test('AssumeRole refusals: AWS\'s message, the status, the fix', async (t) => {
  const { h, src } = await setUp(t, (src, [, spoke]) => [
    `[profile denied]\nrole_arn = arn:aws:iam::999999999999:role/OrganizationAccountAccessRole\nsource_profile = ${src.profile}\n`,
    `[profile typo]\nrole_arn = arn:aws:iam:${spoke}:role/OrganizationAccountAccessRole\nsource_profile = ${src.profile}\n`,
    `[profile short]\nrole_arn = Admin\nsource_profile = ${src.profile}\n`,
    `[profile long]\nrole_arn = arn:aws:iam::${spoke}:role/OrganizationAccountAccessRole\nsource_profile = ${src.profile}\nduration_seconds = 7200\n`,
    `[profile loop1]\nrole_arn = arn:aws:iam::${spoke}:role/X\nsource_profile = loop2\n`,
    `[profile loop2]\nrole_arn = arn:aws:iam::${spoke}:role/Y\nsource_profile = loop1\n`,
    `[profile foreign]\nrole_arn = arn:aws:iam::${spoke}:role/X\nsource_profile = keys\n[profile keys]\naws_access_key_id = AKIAEXAMPLE\n`,
  ].join(''));
  const file = h.env.AWS_CONFIG_FILE!;

  const denied = await refusal(h.core.getCredentials('denied'));
  t.equal(denied.code, 'AssumeRoleDenied');
  t.equal(denied.status, 403);
  t.match(denied.message, /AccessDenied: User: arn:aws:sts::\d{12}:assumed-role\/AWSReservedSSO_.+ is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::999999999999:role\/OrganizationAccountAccessRole/);
  t.match(denied.message, `the role must exist and trust the IAM Identity Center role ${src.roleName} of account ${src.accountId}`);
  t.match(denied.message, `fix role_arn or source_profile of [profile denied] in ${file}`);

  const typo = await refusal(h.core.getCredentials('typo'));
  t.equal(typo.code, 'AssumeRoleDenied');
  t.match(typo.message, /\(role_arn is not of the form arn:aws:iam::ACCOUNT_ID:role\/NAME\)/, 'a mistyped ARN is said to be one');

  const short = await refusal(h.core.getCredentials('short'));
  t.equal(short.code, 'AssumeRoleInvalid');
  t.equal(short.status, 400);
  t.match(short.message, "ValidationError: 1 validation error detected: Value 'Admin' at 'roleArn' failed to satisfy constraint");
  t.match(short.message, `[profile short] in ${file}`);

  const long = await refusal(h.core.getCredentials('long'));
  t.equal(long.code, 'AssumeRoleInvalid');
  t.match(long.message, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  t.match(long.message, /duration_seconds \(900 to 3600 when chaining from a role\)/);

  const loop = await refusal(h.core.getCredentials('loop1'));
  t.equal(loop.code, 'ChainedProfileInvalid');
  t.equal(loop.status, 400);
  t.match(loop.message, /chained profile loop1 cannot be served: source_profile loop loop1 → loop2 → loop1/);

  t.throws(() => h.core.resolveProfile('foreign'), { code: 'ProfileNotFound' }, 'a profile on keys the agent does not hold is not the agent\'s');
  t.notOk(h.core.listProfiles().some((r) => ['foreign', 'loop1', 'loop2'].includes(r.profile)));
  const ignored = h.logs.filter((l) => l.includes('"msg":"ignoring a chained profile"') && l.includes('"profile":"foreign"'));
  t.equal(ignored.length, 1, 'the ignored profile is logged once, though resolved many times');
  t.match(ignored[0], /\[profile keys\] has its own credentials/);
});

t.test('source credentials STS no longer takes are fetched again, once', async (t) => {
  const { h, src } = await setUp(t, (src, [, spoke]) =>
    `[profile spoke]\nrole_arn = arn:aws:iam::${spoke}:role/OrganizationAccountAccessRole\nsource_profile = ${src.profile}\n`);
  await h.core.getCredentials(src.profile);
  const roleCalls = (await h.stats()).GetRoleCredentials!;
  await h.control('expire', { what: 'credentials' });
  const c = await h.core.getCredentials('spoke');
  t.match(await identity(h, c), /:assumed-role\/OrganizationAccountAccessRole\//);
  t.equal((await h.stats()).GetRoleCredentials, roleCalls + 1, 'the rejected source credentials were replaced');
});

t.test('renewed before expiry while in use, and served through an STS outage', async (t) => {
  const clock = manualClock(t);
  const { h } = await setUp(t, (src, [, spoke]) =>
    `[profile spoke]\nrole_arn = arn:aws:iam::${spoke}:role/OrganizationAccountAccessRole\nsource_profile = ${src.profile}\nduration_seconds = 900\n`,
  { emulator: { accounts: 3, rolesPerAccount: 2, now: () => clock.now(), tokenTtl: 8 * 3600 }, core: { clock } });
  const first = await h.core.getCredentials('spoke');
  t.equal(first.expiration - clock.now(), 900_000, 'the 15 minutes asked for');
  const calls = (await h.stats()).AssumeRole!;
  await clock.advance(8 * 60_000);
  await waitUntil(async () => (await h.stats()).AssumeRole === calls + 1, 'the background AssumeRole');
  await waitUntil(async () => (await h.core.getCredentials('spoke')).accessKeyId !== first.accessKeyId, 'the renewed credentials are served');
  const second = await h.core.getCredentials('spoke');
  t.ok(second.expiration - clock.now() > 10 * 60_000, 'the renewed credentials have more than 10 minutes left');

  // STS down: the next background renewal fails, the cached credentials are still served.
  await h.control('faults', { failNext: { AssumeRole: { count: 1000, status: 503 } } });
  await clock.advance(8 * 60_000);
  await waitUntil(() => h.logs.some((l) => l.includes('"msg":"chained role not assumed"')), 'the failed renewal');
  t.equal((await h.core.getCredentials('spoke')).accessKeyId, second.accessKeyId, 'served from memory during the outage');
  // Served until min(11 min, lifetime × 11/60) = 165 s before expiry: 735 s after issue, here 780 s.
  await clock.advance(5 * 60_000);
  const down = await refusal(h.core.getCredentials('spoke'));
  t.equal(down.code, 'UpstreamError', 'once the credentials are too old to hand out, the outage shows');
  t.equal(down.status, 502);
  t.match(down.message, /STS AssumeRole of .* failed: ServiceUnavailable/);
});

t.test('untouched by token refreshes of the source session', async (t) => {
  const clock = manualClock(t);
  const { h } = await setUp(t, (src, [, spoke]) =>
    `[profile spoke]\nrole_arn = arn:aws:iam::${spoke}:role/OrganizationAccountAccessRole\nsource_profile = ${src.profile}\n`,
  { emulator: { accounts: 3, rolesPerAccount: 2, now: () => clock.now(), tokenTtl: 600 }, core: { clock } });
  const first = await h.core.getCredentials('spoke');
  const calls = (await h.stats()).AssumeRole;
  const tokens = (await h.stats()).CreateToken!;
  for (let i = 0; i < 2; i++) {
    await clock.fireNext('token-refresh');
    await waitUntil(async () => (await h.stats()).CreateToken === tokens + i + 1, 'the token refresh');
  }
  t.ok(clock.now() - Date.UTC(2026, 0, 1) < 30 * 60_000, 'two refreshes within the first half hour');
  t.equal((await h.core.getCredentials('spoke')).accessKeyId, first.accessKeyId, 'the same chained credentials');
  t.equal((await h.stats()).AssumeRole, calls, 'no new AssumeRole');
});
