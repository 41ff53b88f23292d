/**
 * A laptop sleeps: the wall clock moves on, node's (monotonic) timers do not. After the resume the
 * agent catches up at once — on the next request, or within one coarse check when nobody asks —
 * for credential renewal, token refresh and sync alike. The time is simulated (both clocks
 * injected); test/e2e/suspend.test.ts moves the real agent's wall clock with libfaketime.
 */
import t, { type Test } from 'tap';
import { harness, type Harness } from '../support/sso-harness.js';
import { SuspendableTime } from '../support/suspendable-time.js';
import { waitUntil } from '../support/wait-until.js';
import { JUMP_CHECK_MS, systemClock } from '../../src/sso/clock.js';

const MIN = 60_000;

async function setup(t: Test): Promise<{ h: Harness; time: SuspendableTime }> {
  const time = new SuspendableTime();
  t.teardown(() => time.restore());
  const clock = systemClock(time);
  const h = await harness({ emulator: { now: () => time.wallNow(), tokenTtl: 3600 }, core: { clock, syncIntervalMs: 30 * MIN } });
  t.teardown(() => h.close());
  const prompt = await h.core.startLogin({ session: 'work', flow: 'device' });
  await h.control('approve', { userCode: prompt.userCode });
  const done = h.core.waitLogin('work');
  let finished = false;
  void done.then(() => { finished = true; }, () => { finished = true; });
  // The device poll runs on the injected clock.
  for (let i = 0; i < 50 && !finished; i++) await time.advance(1000);
  await done;
  return { h, time };
}

t.test('a credential in use is renewed at the first request after a resume, not when the monotonic timer fires', async (t) => {
  const { h, time } = await setup(t);
  const role = h.core.listProfiles()[0]!;
  const first = await h.core.getCredentials(role);
  t.equal((await h.stats()).GetRoleCredentials, 1);
  time.suspend(40 * MIN);
  // The request after the resume: served at once from memory, and the renewal starts.
  t.equal(h.core.servableCredentials(role)?.accessKeyId, first.accessKeyId, 'served without waiting');
  await waitUntil(async () => (await h.stats()).GetRoleCredentials === 2, 'renewed right after the resume');
  await waitUntil(() => h.core.servableCredentials(role)?.accessKeyId !== first.accessKeyId, 'the renewed credential is served');
  const renewed = h.core.servableCredentials(role)!;
  t.ok(renewed.expiration >= time.wallNow() + 59 * MIN, 'a full lifetime from the resume on');
  // An outage now costs nothing for a long while: what is served lasts until well after +49.5 min.
  await h.control('faults', { failRate: 1 });
  await time.advance(15 * MIN);
  t.ok(await h.core.getCredentials(role), 'still served 55 min after the original fetch, AWS down');
});

t.test('with nobody asking, the coarse check runs the token refresh and the sync that fell due during the sleep', async (t) => {
  const { h, time } = await setup(t);
  const before = await h.stats();
  time.suspend(55 * MIN);
  await time.advance(JUMP_CHECK_MS);
  await waitUntil(async () => (await h.stats()).CreateToken === (before.CreateToken ?? 0) + 1, 'the token was refreshed');
  await waitUntil(async () => (await h.stats()).ListAccounts === (before.ListAccounts ?? 0) + 1, 'the sync ran');
  t.equal(h.core.listSessions()[0]!.state, 'active');
  t.ok(Date.parse(h.core.listSessions()[0]!.tokenExpiresAt!) > time.wallNow() + 50 * MIN, 'a fresh token');
});

t.test('a request after the resume also runs what fell due (no coarse tick needed)', async (t) => {
  const { h, time } = await setup(t);
  const before = await h.stats();
  time.suspend(55 * MIN);
  h.core.listSessions();
  await waitUntil(async () => (await h.stats()).CreateToken === (before.CreateToken ?? 0) + 1, 'the token was refreshed');
  await waitUntil(async () => (await h.stats()).ListAccounts === (before.ListAccounts ?? 0) + 1, 'the sync ran');
});

t.test('a timer not yet due is re-armed for its wall-clock time', async (t) => {
  const time = new SuspendableTime();
  t.teardown(() => time.restore());
  const clock = systemClock(time);
  t.teardown(() => clock.stop());
  let fired = 0;
  clock.setTimeout(() => { fired++; }, 30 * MIN);
  time.suspend(20 * MIN);
  clock.recheck();
  t.equal(fired, 0, 'not due yet');
  await time.advance(10 * MIN);
  t.equal(fired, 1, 'fires 10 min after the resume, not 30');
  await time.advance(60 * MIN);
  t.equal(fired, 1, 'once');
});
