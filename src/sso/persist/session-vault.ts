import type { PersistStatus } from '../../core/admin-api.js';
import type { LoginFlow } from '../../core/types.js';

/**
 * What `serve --persist keychain` keeps of a session so that a restart needs no login: the OIDC
 * client the refresh token belongs to, and the token itself. The session's name, start URL and
 * region say which session it is; a record that no longer matches its session is dropped.
 */
export interface VaultRecord {
  startUrl: string;
  region: string;
  scopes: string[];
  registration: { flow: LoginFlow; clientId: string; clientSecret: string; expiresAt: number; scopes: string[] };
  token: { accessToken: string; issuedAt: number; expiresAt: number; refreshToken?: string };
}

/**
 * Where sessions outlive the process. The core calls it at the token's lifecycle points: after a
 * token is set (save), after it is lost or rejected (remove), at start (list/load). Writes are
 * fire-and-forget: a keychain that is slow or failing must never hold up a login or a refresh.
 */
export interface SessionVault {
  /** Names of the sessions with a stored record. */
  list(): Promise<string[]>;
  /** The stored record, or undefined (none, damaged, or the vault is unavailable). */
  load(session: string): Promise<VaultRecord | undefined>;
  save(session: string, record: VaultRecord): void;
  remove(session: string): void;
  /** Waits (briefly) for the session's writes; false when its item may remain in the keychain. */
  settle(session: string): Promise<boolean>;
  describe(): PersistStatus;
  /** Waits (briefly) for writes under way, then lets go of the keychain. */
  close(): Promise<void>;
}

/** The default: nothing outlives the process, and no keychain is ever touched. */
export const memoryOnly: SessionVault = {
  list: async () => [],
  load: async () => undefined,
  save: () => {},
  remove: () => {},
  settle: async () => true,
  describe: () => ({ mode: 'memory' }),
  close: async () => {},
};
