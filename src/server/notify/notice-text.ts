import { reloginHint } from '../../errors.js';
import type { LoginNeededReason, SignInEnd } from '../../core/types.js';

/** A desktop notification: a short title and one or two sentences. No secret, ever. */
export interface Notice { title: string; body: string }

/** Why a session needs a login, as the notice says it (no secret, no token name). */
export type NeedReason = LoginNeededReason | 'registration-expired' | 'not-logged-in';

const WHY: Record<NeedReason, string> = {
  'refresh-rejected': 'the sign-in has ended (IAM Identity Center refused to renew it)',
  'registration-expired': 'the sign-in has ended (the agent\'s client registration with IAM Identity Center expired)',
  expired: 'the sign-in has expired',
  'token-rejected': 'IAM Identity Center rejected the sign-in (expired or revoked)',
  'logged-out': 'it is logged out',
  'not-logged-in': 'it has not been logged in since the agent started',
};

/** The session needs a login now: tools asking for its roles get no credentials until then. Pure. */
export function loginNeededNotice(session: string, reason: NeedReason, clickable: boolean): Notice {
  return {
    title: `AWS sign-in needed: ${session}`,
    body: `SSO session ${session}: ${WHY[reason]}. Tools using its roles get no credentials until you ${reloginHint(session)}`
      + (clickable ? ' (or click here to log in).' : '.'),
  };
}

/** The sign-in ends soon, at a time AWS told us. Pure. */
export function endingSoonNotice(session: string, end: SignInEnd, now: number, clickable: boolean): Notice {
  const minutes = Math.max(1, Math.round((Date.parse(end.endsAt) - now) / 60_000));
  const what = end.endsBy === 'access-token' ? 'the sign-in ends' : 'the agent\'s client registration expires, ending the sign-in,';
  return {
    title: `AWS sign-in ends in ${minutes} min: ${session}`,
    body: `SSO session ${session}: ${what} at ${end.endsAt.slice(11, 16)} UTC. To keep tools working, ${reloginHint(session)} before then`
      + (clickable ? ' (or click here to log in now).' : '.'),
  };
}
