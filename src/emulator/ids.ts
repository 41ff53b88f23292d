import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * Generators for the ids, codes, tokens and keys the emulator issues. They look like AWS's (same
 * alphabets, prefixes and rough lengths) so that an agent which validates or truncates them meets
 * realistic input, and they come from the CSPRNG so two emulators never issue the same secret.
 */
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
// AWS user codes avoid letters that read alike (no vowels, no 0/O, 1/I): "RPXP-JSQA" style.
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

function pick(alphabet: string, n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

function b64url(n: number): string {
  return randomBytes(n).toString('base64url');
}

export const ids = {
  requestId: (): string => randomUUID(),
  clientId: (region: string): string => b64url(16) + Buffer.from(region).toString('base64url'),
  // Real client secrets are long base64 JWT-like blobs.
  clientSecret: (): string => 'eyJraWQiOiJrZXktMTU2Njk2ODA4NSIsImFsZyI6IkhTMzg0In0.' + b64url(180),
  deviceCode: (): string => b64url(64),
  userCode: (): string => `${pick(USER_CODE_ALPHABET, 4)}-${pick(USER_CODE_ALPHABET, 4)}`,
  authCode: (): string => b64url(48),
  accessToken: (): string => 'aoa' + b64url(240) + ':' + b64url(48),
  refreshToken: (): string => 'aor' + b64url(240) + ':' + b64url(48),
  accessKeyId: (): string => 'ASIA' + pick(UPPER_ALNUM, 16),
  secretAccessKey: (): string => randomBytes(30).toString('base64').replace(/\//g, '+').slice(0, 40),
  sessionToken: (): string => 'IQoJb3JpZ2luX2VjE' + randomBytes(600).toString('base64'),
  authorizeRequestId: (): string => b64url(24),
  // Real sign-in tokens are long opaque base64url strings (several hundred characters).
  signinToken: (): string => b64url(384),
};

/** Stable per (account, role): AWS keeps the same role id and name suffix for a permission set's role. */
export function roleSuffix(accountId: string, roleName: string): string {
  return createHash('sha256').update(`${accountId}/${roleName}`).digest('hex').slice(0, 16);
}

export function roleId(accountId: string, roleName: string): string {
  const digest = createHash('sha256').update(`role-id/${accountId}/${roleName}`).digest();
  let out = 'AROA';
  for (let i = 0; i < 17; i++) out += UPPER_ALNUM[(digest[i] ?? 0) % UPPER_ALNUM.length];
  return out;
}
