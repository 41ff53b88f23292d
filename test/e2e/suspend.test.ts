/**
 * The real agent after a suspend: libfaketime (LD_PRELOAD) moves its wall clock ahead while its
 * monotonic clock runs on, as after a laptop's sleep. The credential in use is renewed at the first
 * request after the jump, and the token refresh and the sync that fell due run within one coarse
 * check without any request. The emulator's clock follows the same offset.
 * Needs `npm run build` and libfaketime (apt `faketime`).
 */
import t from 'tap';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../src/emulator/index.js';
import type { CatalogRole } from '../../src/core/types.js';
import { isolatedWorld, profileEnv, runCli, spawnAgent } from '../support/e2e-harness.js';
import { waitUntil } from '../support/wait-until.js';
import { agentGet } from '../support/agent-get.js';

const LIBS = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1', '/usr/lib/faketime/libfaketimeMT.so.1'];
const lib = LIBS.find((p) => existsSync(p));
const MIN = 60_000;

if (!lib) {
  t.skip('libfaketime is not installed (apt-get install faketime)', () => {});
} else {
  t.test('after a jump of the wall clock the real agent renews, refreshes and syncs at once', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'ssoa20-faketime-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const offsetFile = join(dir, 'offset');
    let offsetMin = 0;
    const jump = (min: number): void => { offsetMin += min; writeFileSync(offsetFile, `+${offsetMin}m`); };
    writeFileSync(offsetFile, '+0');
    const em = await startEmulator({ autoApprove: true, accounts: 1, rolesPerAccount: 1, deviceInterval: 0, tokenTtl: 3600, now: () => Date.now() + offsetMin * MIN });
    t.teardown(() => em.close());
    const world = isolatedWorld(em.url);
    t.teardown(() => rmSync(world.home, { recursive: true, force: true }));
    const agent = await spawnAgent({
      ...world,
      env: { ...world.env, LD_PRELOAD: lib, FAKETIME_TIMESTAMP_FILE: offsetFile, FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' },
    }, ['--sync-interval', '45m']);
    t.teardown(() => agent.stop());
    const stats = async (): Promise<Record<string, number>> => ((await (await fetch(`${em.url}/_emulator/stats`)).json()) as { calls: Record<string, number> }).calls;

    const login = await runCli(world, ['login', '--session', 'lap', '--start-url', em.startUrl, '--region', em.region, '--device-code', '--no-browser']);
    t.equal(login.code, 0, 'logged in', { stderr: login.stderr });
    const role = (JSON.parse((await runCli(world, ['ls', '--json'])).stdout) as CatalogRole[])[0]!;
    const env = await profileEnv(world, role.profile);
    const get = () => agentGet(env.AWS_CONTAINER_CREDENTIALS_FULL_URI, { authorization: env.AWS_CONTAINER_AUTHORIZATION_TOKEN });
    const first = (await get()).json() as { AccessKeyId: string; Expiration: string };
    t.equal((await stats()).GetRoleCredentials, 1);

    jump(40);
    const after = await get();
    t.equal(after.status, 200, 'served at once after the jump');
    await waitUntil(async () => (await stats()).GetRoleCredentials === 2, 'the credential in use was renewed right after the jump', 5_000);
    const renewed = (await get()).json() as { AccessKeyId: string; Expiration: string };
    t.not(renewed.AccessKeyId, first.AccessKeyId, 'the renewed credential is served');
    t.ok(Date.parse(renewed.Expiration) > Date.parse(first.Expiration) + 35 * MIN, 'lasting an hour from the jump on');

    // Nobody asks: the coarse check (every 10 s) finds the next jump and runs what fell due.
    const before = await stats();
    jump(15);
    await waitUntil(async () => (await stats()).CreateToken === (before.CreateToken ?? 0) + 1, 'the token refresh ran', 20_000);
    await waitUntil(async () => (await stats()).ListAccounts === (before.ListAccounts ?? 0) + 1, 'the sync ran', 20_000);
    await waitUntil(() => agent.lines.some((l) => l.includes('"msg":"token refreshed"')), 'the agent logs the refresh', 5_000);
    t.pass('token refresh and sync ran with no request after the jump');
  });
}
