// Shared set-up for the core's integration tests: an emulator on port 0, an AWS config file in a
// temp dir naming it, and an agent core pointed at both, with every log line captured.
// (Not named *.test.ts, so tap does not run it as a test file.)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { createAgentCore, type AgentCoreOptions } from '../../src/daemon.js';
import { createClientFactory } from '../../src/sso/clients.js';
import { createLogger } from '../../src/logger.js';
import type { ManualClock } from './manual-clock.js';
import type { AgentCore } from '../../src/core/types.js';
import { emulatorControl, type EmulatorControl } from './emulator-control.js';

export interface Harness {
  em: RunningEmulator;
  core: AgentCore;
  env: NodeJS.ProcessEnv;
  dir: string;
  logs: string[];
  control: EmulatorControl;
  stats(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  emulator?: EmulatorOptions;
  core?: Partial<AgentCoreOptions>;
  /** Extra ini text appended to the generated config file. */
  extraConfig?: string;
  /** Session name for the emulator's instance; default "work". */
  session?: string;
  /** SDK attempts per call (1 where call counts matter). */
  sdkAttempts?: number;
  /** Sessions to configure; default one. */
  noConfigSessions?: boolean;
}

export async function harness(opts: HarnessOptions = {}): Promise<Harness> {
  const em = await startEmulator({ port: 0, deviceInterval: 0, ...opts.emulator });
  const dir = await mkdtemp(join(tmpdir(), 'sso-core-'));
  const configFile = join(dir, 'config');
  const session = opts.session ?? 'work';
  const ini = opts.noConfigSessions ? '' : `[sso-session ${session}]\nsso_start_url = ${em.startUrl}\nsso_region = ${em.region}\nsso_registration_scopes = sso:account:access\n`;
  await writeFile(configFile, ini + (opts.extraConfig ?? ''));
  const env: NodeJS.ProcessEnv = {
    HOME: dir,
    AWS_CONFIG_FILE: configFile,
    AWS_ENDPOINT_URL_SSO_OIDC: em.url,
    AWS_ENDPOINT_URL_SSO: em.url,
    AWS_ENDPOINT_URL_STS: em.url,
  };
  const logs: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { logs.push(...String(chunk).split('\n').filter(Boolean)); cb(); } });
  const logger = createLogger({ level: 'debug', stream });
  const core = await createAgentCore({
    logger,
    env,
    settingsFile: join(dir, 'settings.json'),
    redirectUri: () => 'http://127.0.0.1:1/oauth/callback',
    clients: createClientFactory({ env, maxAttempts: opts.sdkAttempts ?? 1 }),
    retry: { sleep: async () => {}, maxAttempts: 8 },
    ...opts.core,
  });
  const control = emulatorControl(em.url);
  return {
    em, core, env, dir, logs, control,
    stats: async () => (await control('stats')).calls as Record<string, number>,
    close: async () => {
      await core.close();
      await em.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A device login approved through the control route, as the person at the browser would. With a
 * ManualClock the core's poll timer does not fire by itself: pass it, and the one poll is fired.
 */
export async function deviceLogin(h: Harness, opts: { session?: string; clock?: ManualClock } = {}): Promise<void> {
  const session = opts.session ?? 'work';
  const prompt = await h.core.startLogin({ session, flow: 'device' });
  await h.control('approve', { userCode: prompt.userCode });
  if (opts.clock) await opts.clock.fireNext('device-poll');
  await h.core.waitLogin(session);
}
