import type { VaultRecord } from './session-vault.js';

/** Bumped when the stored shape changes; an item of another version is ignored, never guessed at. */
export const RECORD_VERSION = 1;

export function serializeRecord(record: VaultRecord): string {
  const { registration: r, token: t } = record;
  return JSON.stringify({
    v: RECORD_VERSION,
    startUrl: record.startUrl,
    region: record.region,
    scopes: record.scopes,
    registration: { flow: r.flow, clientId: r.clientId, clientSecret: r.clientSecret, expiresAt: r.expiresAt, scopes: r.scopes },
    token: { accessToken: t.accessToken, issuedAt: t.issuedAt, expiresAt: t.expiresAt, ...(t.refreshToken ? { refreshToken: t.refreshToken } : {}) },
  });
}

export type ParsedRecord = { ok: true; record: VaultRecord } | { ok: false; why: string };

/**
 * Reads a keychain item back. Anything else may have written or damaged it, so every field is
 * checked; the reason names the first bad field and never quotes a value (it may be a secret).
 */
export function parseRecord(text: string): ParsedRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, why: 'it is not JSON' };
  }
  const fail = (why: string): ParsedRecord => ({ ok: false, why });
  if (!isObject(raw)) return fail('it is not a JSON object');
  if (raw.v !== RECORD_VERSION) return fail(`it has version ${JSON.stringify(raw.v) ?? 'none'}, not ${RECORD_VERSION}`);
  const reg = raw.registration;
  const tok = raw.token;
  if (!isObject(reg)) return fail('registration is missing');
  if (!isObject(tok)) return fail('token is missing');
  const bad =
    !isText(raw.startUrl) ? 'startUrl' : !isText(raw.region) ? 'region' : !isScopes(raw.scopes) ? 'scopes'
    : reg.flow !== 'pkce' && reg.flow !== 'device' ? 'registration.flow'
    : !isText(reg.clientId) ? 'registration.clientId' : !isText(reg.clientSecret) ? 'registration.clientSecret'
    : !isTime(reg.expiresAt) ? 'registration.expiresAt' : !isScopes(reg.scopes) ? 'registration.scopes'
    : !isText(tok.accessToken) ? 'token.accessToken' : !isTime(tok.issuedAt) ? 'token.issuedAt'
    : !isTime(tok.expiresAt) || (tok.expiresAt as number) < (tok.issuedAt as number) ? 'token.expiresAt'
    : tok.refreshToken !== undefined && !isText(tok.refreshToken) ? 'token.refreshToken'
    : undefined;
  if (bad) return fail(`${bad} is missing or malformed`);
  return {
    ok: true,
    record: {
      startUrl: raw.startUrl as string,
      region: raw.region as string,
      scopes: [...(raw.scopes as string[])],
      registration: {
        flow: reg.flow as 'pkce' | 'device',
        clientId: reg.clientId as string,
        clientSecret: reg.clientSecret as string,
        expiresAt: reg.expiresAt as number,
        scopes: [...(reg.scopes as string[])],
      },
      token: {
        accessToken: tok.accessToken as string,
        issuedAt: tok.issuedAt as number,
        expiresAt: tok.expiresAt as number,
        ...(tok.refreshToken !== undefined ? { refreshToken: tok.refreshToken as string } : {}),
      },
    },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 16_384;
}

/** Epoch milliseconds after 2001 and before 2286: a number in seconds, or junk, fails. */
function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 1e12 && v < 1e13;
}

function isScopes(v: unknown): v is string[] {
  return Array.isArray(v) && v.length <= 64 && v.every(isText);
}
