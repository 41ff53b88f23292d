/**
 * Golden files: real-world-shaped configs in test/fixtures/config/, each run through the same
 * plan the command writes, compared byte for byte with <name>.expected.ini and the warnings with
 * <name>.warnings.txt. Every result is also read by botocore and by the JS SDK's own config loader
 * to check that profiles outside the block mean exactly what they meant before.
 * Regenerate after an intended change with UPDATE_GOLDEN=1 (then read the diff!).
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { planConfig } from '../../../src/cli/aws-config/plan-config.js';
import { findManagedBlock } from '../../../src/cli/aws-config/managed-block.js';
import type { CatalogRole, SessionStatus } from '../../../src/core/types.js';
import { tempDir } from '../../support/temp-dirs.js';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'config');
const COMMAND = '/usr/local/bin/node "/opt/sso agent/dist/cli/main.js"';
const update = process.env.UPDATE_GOLDEN === '1';

const role = (session: string, accountId: string, accountName: string, roleName: string, profile: string): CatalogRole => ({
  session, accountId, accountName, roleName, profile, roleArn: `arn:aws:iam::${accountId}:role/${roleName}`, stale: false,
});
const ROLES: CatalogRole[] = [
  role('work', '111111111111', 'Production', 'AdministratorAccess', 'work-production-admin'),
  role('work', '111111111111', 'Production', 'ReadOnly', 'work-production-readonly'),
  role('work', '222222222222', 'Sandbox Dev', 'Developer', 'work-sandbox-dev-developer'),
  role('lab', '333333333333', 'Lab', 'Admin', 'lab-lab-admin'),
];
const session = (name: string, region: string): SessionStatus => ({
  name, region, startUrl: `https://${name}.awsapps.com/start`, state: 'active', refreshable: true,
  lastSync: '2026-11-23T09:00:00.000Z', accounts: 1, roles: 1, staleAccounts: 0,
});
const SESSIONS = [session('work', 'eu-west-1'), session('lab', 'us-east-1')];

const GOOD = ['comments', 'crlf', 'no-trailing-newline', 'empty', 'clash', 'existing-block', 'hand-edited-block'];
const BAD: Array<[string, number]> = [
  ['bad-duplicate-section', 10],
  ['bad-duplicate-key', 4],
  ['bad-missing-equals', 5],
  ['bad-before-section', 2],
  ['bad-stray-marker', 3],
];
/** Refused by us, but botocore itself reads the file fine. */
const OURS_ONLY = new Set(['bad-stray-marker']);

const tmp = tempDir(join(tmpdir(), 'sso-agent-golden-'));

const BOTOCORE = `
import json, sys
import botocore.configloader as c
try:
    print(json.dumps(c.load_config(sys.argv[1])))
except Exception as e:
    print(json.dumps({"error": type(e).__name__}))
`;
function botocore(text: string, name: string): { profiles?: Record<string, Record<string, unknown>>; sso_sessions?: Record<string, unknown>; services?: Record<string, unknown>; error?: string } {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return JSON.parse(execFileSync('python3', ['-c', BOTOCORE, p], { encoding: 'utf8' }));
}
async function jsSdk(text: string, name: string): Promise<Record<string, Record<string, string | undefined>>> {
  const p = join(tmp, name);
  writeFileSync(p, text);
  const { configFile } = await loadSharedConfigFiles({ configFilepath: p, filepath: join(tmp, 'no-credentials'), ignoreCache: true });
  return configFile;
}

function outside(text: string): string {
  const b = findManagedBlock(text);
  return b ? text.slice(0, b.start) + text.slice(b.end) : text;
}

for (const name of GOOD) {
  t.test(`golden: ${name}`, async (t) => {
    const input = readFileSync(join(FIX, `${name}.ini`), 'utf8');
    const plan = planConfig({ text: input, file: `~/.aws/${name}`, roles: ROLES, sessions: SESSIONS, format: 'credential_process', command: COMMAND });
    const expectedFile = join(FIX, `${name}.expected.ini`);
    const warningsFile = join(FIX, `${name}.warnings.txt`);
    const warnings = plan.warnings.map((w) => w + '\n').join('');
    if (update || !existsSync(expectedFile)) {
      writeFileSync(expectedFile, plan.text);
      writeFileSync(warningsFile, warnings);
    }
    t.equal(plan.text, readFileSync(expectedFile, 'utf8'), 'output matches the golden file byte for byte');
    t.equal(warnings, readFileSync(warningsFile, 'utf8'), 'warnings match');

    // Bytes outside the block: unchanged when a block existed; otherwise the original is an exact
    // prefix (plus the line break a file without a final newline needs before the block).
    const hadBlock = findManagedBlock(input) !== undefined;
    if (hadBlock) t.equal(outside(plan.text), outside(input), 'everything outside the block is byte for byte the same');
    else t.ok(plan.text.startsWith(input), 'the original is kept as an exact prefix');
    if (input.includes('\r\n')) t.notOk(/[^\r]\n/.test(plan.text), 'CRLF file stays CRLF throughout');

    const again = planConfig({ text: plan.text, file: name, roles: ROLES, sessions: SESSIONS, format: 'credential_process', command: COMMAND });
    t.equal(again.changed, false, 'running twice changes nothing');
    t.same(again.warnings.filter((w) => !w.startsWith('skipped')), [], 'the second run finds no hand edits');

    // What real clients read.
    const before = botocore(input, `${name}.before`);
    const after = botocore(plan.text, `${name}.after`);
    t.notOk(after.error, 'botocore parses the result');
    const generated = new Set(plan.profiles);
    for (const [p, v] of Object.entries(before.profiles ?? {})) {
      if (!generated.has(p) && !hadBlockProfile(input, p)) t.same(after.profiles?.[p], v, `botocore: profile ${p} unchanged`);
    }
    t.same(after.sso_sessions, before.sso_sessions, 'botocore: sso-sessions unchanged');
    t.same(after.services, before.services, 'botocore: services unchanged');
    const jsAfter = await jsSdk(plan.text, `${name}.js`);
    for (const p of plan.profiles) {
      t.match(after.profiles?.[p]?.credential_process, /credential-process /, `botocore sees ${p}'s credential_process`);
      t.equal(jsAfter[p]?.credential_process, after.profiles?.[p]?.credential_process, `the JS SDK reads ${p}'s credential_process the same`);
    }
  });
}

function hadBlockProfile(text: string, profile: string): boolean {
  const b = findManagedBlock(text);
  return b !== undefined && b.body.some((l) => l.trim() === `[profile ${profile}]`);
}

for (const [name, line] of BAD) {
  t.test(`refused: ${name}`, async (t) => {
    const input = readFileSync(join(FIX, `${name}.ini`), 'utf8');
    t.throws(
      () => planConfig({ text: input, file: '/home/u/.aws/config', roles: ROLES, sessions: SESSIONS, format: 'credential_process', command: COMMAND }),
      { code: 'ConfigFileError', message: new RegExp(`line ${line}\\b`) },
      `names line ${line}`,
    );
    if (!OURS_ONLY.has(name)) t.ok(botocore(input, name).error, 'botocore refuses this file too, so refusing is right');
  });
}
