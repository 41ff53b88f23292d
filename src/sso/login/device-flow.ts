import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { loadOidcSdk } from '../clients.js';
import { LoginFailedError, UpstreamError, reloginHint } from '../../errors.js';
import type { LoginPrompt, SessionConfig } from '../../core/types.js';
import { awsErrorName, mapLoginError } from '../aws-errors.js';
import { sleep, type Clock } from '../clock.js';
import { classifyError } from '../retry-policy.js';
import { createTokenWithDeviceCode, type TokenAnswer } from './create-token.js';
import type { PendingLogin } from './pending-login.js';
import type { Registration, Registrations } from './registration.js';

/** RFC 8628: a SlowDown answer adds 5 s to the polling interval. */
const SLOW_DOWN_STEP_MS = 5_000;
const DEFAULT_INTERVAL_S = 5;
const DEFAULT_EXPIRES_IN_S = 600;

export interface DeviceFlowDeps {
  clock: Clock;
  config: SessionConfig;
  oidc: SSOOIDCClient;
  registrations: Registrations;
  /** The person approved: the token, to hold and finish the login with. */
  approved: (answer: TokenAnswer, reg: Registration) => Promise<void>;
  failed: (err: unknown) => void;
  stopped: () => boolean;
}

/** StartDeviceAuthorization, then polling CreateToken in the background; returns what to show the person. */
export async function beginDevice(d: DeviceFlowDeps, login: PendingLogin): Promise<LoginPrompt> {
  const { config } = d;
  let started;
  try {
    started = await d.registrations.with(config.name, 'device', async (reg) => d.oidc.send(new (loadOidcSdk()).StartDeviceAuthorizationCommand({
      clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: config.startUrl,
    })));
  } catch (err) {
    throw mapLoginError(err, config);
  }
  const { out: auth, reg } = started;
  const url = auth.verificationUriComplete || auth.verificationUri;
  if (!auth.deviceCode || !auth.userCode || !url) {
    throw new UpstreamError('StartDeviceAuthorization returned no device code; try again shortly');
  }
  const expiresAt = d.clock.now() + (auth.expiresIn ?? DEFAULT_EXPIRES_IN_S) * 1000;
  void pollDevice(d, login, reg, auth.deviceCode, (auth.interval ?? DEFAULT_INTERVAL_S) * 1000, expiresAt).catch(d.failed);
  return { session: config.name, flow: 'device', url, userCode: auth.userCode, expiresAt: new Date(expiresAt).toISOString(), joined: false };
}

/** RFC 8628 polling: wait `interval`, +5 s on SlowDown, give up at expiry or on a final answer. */
async function pollDevice(d: DeviceFlowDeps, login: PendingLogin, reg: Registration, deviceCode: string, intervalMs: number, expiresAt: number): Promise<void> {
  const { config, clock } = d;
  let interval = intervalMs;
  for (;;) {
    await sleep(clock, interval, 'device-poll');
    if (login.cancelled || d.stopped()) return;
    if (clock.now() >= expiresAt) {
      throw new LoginFailedError(`the login for SSO session ${config.name} was not approved in time and expired; ${reloginHint(config.name)} to try again`);
    }
    let answer: TokenAnswer;
    try {
      answer = await createTokenWithDeviceCode(d.oidc, reg, deviceCode);
    } catch (err) {
      const name = awsErrorName(err);
      if (name === 'AuthorizationPendingException') continue;
      if (name === 'SlowDownException') { interval += SLOW_DOWN_STEP_MS; continue; }
      // Throttling or a 5xx that outlasted the SDK's retries: keep polling until the code expires.
      if (classifyError(err) !== 'fatal') continue;
      if (name === 'InvalidClientException') d.registrations.forget(config.name, reg);
      throw mapLoginError(err, config);
    }
    if (login.cancelled || d.stopped()) return;
    await d.approved(answer, reg);
    return;
  }
}
