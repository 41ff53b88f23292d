import { stripControls } from '../../strip-controls.js';
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { LoginFailedError, reloginHint } from '../../errors.js';
import type { LoginPrompt, OAuthCallbackQuery, SessionConfig } from '../../core/types.js';
import { awsErrorName, mapLoginError } from '../aws-errors.js';
import { authorizeBase } from '../clients.js';
import type { Clock, Random, TimerHandle } from '../clock.js';
import { authorizeUrl, codeChallenge, codeVerifier, oauthState } from '../pkce.js';
import { createTokenWithCode, type TokenAnswer } from './create-token.js';
import type { Registration, Registrations } from './registration.js';

/** How long a PKCE login waits for the browser, as the AWS CLI does. */
export const PKCE_TIMEOUT_MS = 10 * 60_000;

/** What a PKCE login remembers between the authorize URL and the callback. */
export interface PkceAttempt { state: string; verifier: string; redirectUri: string; registration: Registration; timer: TimerHandle }

export interface PkceDeps {
  clock: Clock;
  random: Random;
  env: NodeJS.ProcessEnv;
  config: SessionConfig;
  registrations: Registrations;
  redirectUri: string;
  /** No answer from the browser in time. */
  timedOut: (err: LoginFailedError) => void;
}

/** Registers (or reuses) the PKCE client and builds the authorize URL the browser opens. */
export async function beginPkce(d: PkceDeps): Promise<{ prompt: LoginPrompt; attempt: PkceAttempt }> {
  const { config, clock } = d;
  const registration = await d.registrations.get(config.name, 'pkce');
  const verifier = codeVerifier(d.random);
  const state = oauthState(d.random);
  const url = authorizeUrl({
    base: authorizeBase(config, d.env), clientId: registration.clientId, redirectUri: d.redirectUri, state,
    scopes: config.scopes, challenge: codeChallenge(verifier),
  });
  const timer = clock.setTimeout(() => {
    d.timedOut(new LoginFailedError(`no answer from the browser within ${PKCE_TIMEOUT_MS / 60_000} minutes for SSO session ${config.name}; ${reloginHint(config.name)} to try again`));
  }, PKCE_TIMEOUT_MS, 'pkce-timeout');
  return {
    attempt: { state, verifier, redirectUri: d.redirectUri, registration, timer },
    prompt: { session: config.name, flow: 'pkce', url, expiresAt: new Date(clock.now() + PKCE_TIMEOUT_MS).toISOString(), joined: false },
  };
}

/** The browser came back: an error, no code, or a code to exchange for a token. Throws LoginFailedError and friends. */
export async function exchangeCallback(
  oidc: SSOOIDCClient, registrations: Registrations, config: SessionConfig, attempt: PkceAttempt, query: OAuthCallbackQuery,
): Promise<TokenAnswer> {
  if (query.error) {
    // Whoever opens the callback URL writes these: only their printable text is shown.
    const why = `${stripControls(query.error ?? '')}${query.error_description ? `: ${stripControls(query.error_description)}` : ''}`;
    throw new LoginFailedError(`the sign-in for SSO session ${config.name} was refused (${why}); ${reloginHint(config.name)} to try again`);
  }
  if (!query.code) {
    throw new LoginFailedError(`the browser came back without an authorization code for SSO session ${config.name}; ${reloginHint(config.name)} to try again`);
  }
  try {
    return await createTokenWithCode(oidc, attempt.registration, { code: query.code, redirectUri: attempt.redirectUri, codeVerifier: attempt.verifier });
  } catch (err) {
    if (awsErrorName(err) === 'InvalidClientException') registrations.forget(config.name, attempt.registration);
    throw mapLoginError(err, config);
  }
}
