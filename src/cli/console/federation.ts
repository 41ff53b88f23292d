/**
 * The one HTTP call of `sso-agent console`: the federation endpoint's getSigninToken. Its answer
 * is `{"SigninToken": "..."}`; a refusal is an HTTP 4xx whose body is a servlet-style HTML or text
 * page ("Invalid credentials parameter", "The request sent by the client was syntactically
 * incorrect"), so the reason is read out of that page.
 */
import { FederationRefusedError, UpstreamError } from '../../errors.js';
import { signinTokenUrl, type SessionCredentials } from './signin-url.js';

const TIMEOUT_MS = 30_000;
const MAX_REASON_CHARS = 300;

export type Fetch = typeof fetch;

export async function getSigninToken(
  endpoint: string,
  creds: SessionCredentials,
  durationS: number | undefined,
  fetchImpl: Fetch = fetch,
): Promise<string> {
  const url = signinTokenUrl(endpoint, creds, durationS);
  let res: Response;
  try {
    res = await fetchImpl(url, { headers: { accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    throw new UpstreamError(`could not reach the federation endpoint ${origin(endpoint)} (${why}): check the network, or SSO_AGENT_FEDERATION_URL`);
  }
  const text = await res.text();
  if (res.status !== 200) {
    throw new FederationRefusedError(`the federation endpoint ${origin(endpoint)} refused the sign-in (HTTP ${res.status}: ${refusalReason(text) || res.statusText || 'no reason given'})`);
  }
  let token: unknown;
  try {
    token = (JSON.parse(text) as { SigninToken?: unknown }).SigninToken;
  } catch {
    token = undefined;
  }
  if (typeof token !== 'string' || token === '') {
    throw new UpstreamError(`the federation endpoint ${origin(endpoint)} answered without a SigninToken: check SSO_AGENT_FEDERATION_URL`);
  }
  return token;
}

/** The credentials must never reach a message: only the endpoint's origin is named. */
function origin(endpoint: string): string {
  const u = new URL(endpoint);
  return `${u.origin}${u.pathname}`;
}

/**
 * The human part of a refusal page: the servlet report's "message" line if there is one, else
 * the page's text with the markup removed, cut short.
 */
export function refusalReason(body: string): string {
  const plain = body
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  const message = /\bmessage\s*:?\s*(.+?)(?:\s+description\b|$)/i.exec(plain)?.[1]?.trim();
  const reason = message || plain;
  return reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason;
}
