import { buildOrg, type OrgAccount } from './org.js';
import { Faults } from './faults.js';
import type { SigninToken } from './federation.js';
import { IamRoles } from './iam.js';

/** Options after defaults; what every handler reads. */
export interface EmulatorConfig {
  autoApprove: boolean;
  /** Access-token lifetime override, seconds; undefined = 8 h without scopes, 1 h with sso:account:access. */
  tokenTtl: number | undefined;
  refreshTokenTtl: number;
  credentialsTtl: number;
  deviceInterval: number;
  deviceExpiresIn: number;
  startUrl: string;
  region: string;
  /** The person signed in to the portal; becomes the role-session name in STS ARNs. */
  user: string;
  now: () => number;
}

export interface Registration {
  clientId: string;
  clientSecret: string;
  clientName: string;
  scopes: string[];
  grantTypes: string[];
  redirectUris: string[];
  issuerUrl: string | undefined;
  issuedAt: number;
  expiresAt: number;
}

export type DeviceStatus = 'pending' | 'approved' | 'denied' | 'redeemed';

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  clientId: string;
  startUrl: string;
  expiresAt: number;
  intervalMs: number;
  status: DeviceStatus;
  lastPollAt: number | undefined;
}

/** A PKCE /authorize request waiting for the person to press Allow or Deny. */
export interface PendingAuthorize {
  id: string;
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  scopes: string[];
}

export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  expiresAt: number;
  used: boolean;
}

/** One sign-in (a device or PKCE login): Logout ends it, with every token issued under it. */
export interface SignInSession {
  id: number;
  clientId: string;
  scopes: string[];
  /** When its refresh tokens stop working: the administrator's session duration. */
  endsAt: number;
  ended: boolean;
}

export interface AccessToken {
  token: string;
  sessionId: number;
  clientId: string;
  expiresAt: number;
}

export interface RefreshToken {
  token: string;
  sessionId: number;
  clientId: string;
  expiresAt: number;
  used: boolean;
}

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  /** The permission set (portal-issued) or the IAM role name (AssumeRole-issued). */
  roleName: string;
  expiresAt: number;
  /** Issued by AssumeRole with other temporary credentials (role chaining): the federation endpoint then takes no SessionDuration. */
  chained?: boolean;
  /** Set for AssumeRole-issued credentials: the RoleSessionName, which ends their assumed-role ARN. */
  assumedSessionName?: string;
}

/** Everything one emulator remembers. Built per emulator: nothing lives at module level. */
export class EmulatorState {
  readonly registrations = new Map<string, Registration>();
  readonly devices = new Map<string, DeviceAuthorization>();
  readonly userCodes = new Map<string, string>();
  readonly pendingAuthorize = new Map<string, PendingAuthorize>();
  readonly authCodes = new Map<string, AuthCode>();
  readonly sessions = new Map<number, SignInSession>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly credentials = new Map<string, RoleCredentials>();
  readonly signinTokens = new Map<string, SigninToken>();
  /** The IAM roles AssumeRole may target (see iam.ts for the rule). */
  readonly iam = new IamRoles();
  readonly calls = new Map<string, number>();
  /** Every secret issued, in order, for leak tests. */
  readonly secrets: string[] = [];
  org: OrgAccount[];
  private nextSessionId = 1;

  constructor(
    readonly config: EmulatorConfig,
    readonly faults: Faults,
    org: { accounts: number; rolesPerAccount: number },
  ) {
    this.org = buildOrg(org.accounts, org.rolesPerAccount);
  }

  now(): number {
    return this.config.now();
  }

  count(operation: string): void {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
  }

  remember(...secrets: string[]): void {
    this.secrets.push(...secrets);
  }

  startSession(clientId: string, scopes: string[]): SignInSession {
    const s: SignInSession = {
      id: this.nextSessionId++,
      clientId,
      scopes,
      endsAt: this.now() + this.config.refreshTokenTtl * 1000,
      ended: false,
    };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The access token if it is known, unexpired and its sign-in session has not been logged out. */
  validAccessToken(token: string | undefined): AccessToken | undefined {
    if (!token) return undefined;
    const t = this.accessTokens.get(token);
    if (!t || t.expiresAt <= this.now()) return undefined;
    if (this.sessions.get(t.sessionId)?.ended !== false) return undefined;
    return t;
  }

  findAccount(accountId: string): OrgAccount | undefined {
    return this.org.find((a) => a.accountId === accountId);
  }

  /** Makes everything of one kind issued so far expired (control route `expire`). */
  expire(what: string): number {
    const past = this.now() - 1;
    const all = <T extends { expiresAt: number }>(m: Map<unknown, T>): number => {
      for (const v of m.values()) v.expiresAt = past;
      return m.size;
    };
    switch (what) {
      case 'accessTokens':
        return all(this.accessTokens);
      case 'refreshTokens':
        for (const s of this.sessions.values()) s.endsAt = past;
        return all(this.refreshTokens);
      case 'credentials':
        return all(this.credentials);
      case 'registrations':
        return all(this.registrations);
      case 'deviceCodes':
        return all(this.devices);
      case 'authCodes':
        return all(this.authCodes);
      case 'signinTokens':
        return all(this.signinTokens);
      default:
        return -1;
    }
  }
}
