import { ChainedProfileInvalidError, ProfileNotFoundError } from '../../errors.js';
import { parseRoleArn } from '../../core/aws-names.js';
import type { Logger } from '../../logger.js';
import { codeUnitOrder } from '../../store/code-unit-order.js';
import { CredentialCache, type CredentialKey, type CredentialCacheOptions } from '../../store/credential-cache.js';
import type { CatalogRole, RoleCredentials } from '../../core/types.js';
import type { AwsClientFactory } from '../clients.js';
import type { Clock } from '../clock.js';
import { readAwsConfig } from '../read-aws-config.js';
import { awsConfigPath } from '../session-config.js';
import { assumeRole, defaultSessionName } from './assume-role.js';
import { isSourceRejected, mapAssumeRoleError } from '../aws-errors.js';
import { checkAssumeRole, type AssumeContext } from './check-assume-role.js';
import { resolveUserProfiles, type UserProfileRow, type UserProfiles } from './user-profiles.js';
import {
  readChainedConfig, resolveChained, type ChainedConfig, type ChainedDefinition, type Resolution,
} from './load-chained-profiles.js';

/** A chained profile as `ls` shows it: a catalog row, marked, naming its source_profile. */
export type ChainedRole = CatalogRole & { chained: true; source: string };

export interface ChainedRolesOptions {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  logger: Logger;
  clients: AwsClientFactory;
  /** The agent's own roles. `list()` is replaced (not mutated) when the catalog changes. */
  catalog: { list(): CatalogRole[]; resolve(ref: string): CatalogRole | undefined };
  /** An agent role's credentials through the core: its cache, its token refresh, its errors. */
  roleCredentials(role: CatalogRole): Promise<RoleCredentials>;
  /** Forgets an agent role's cached credentials, after STS rejected them, so a retry gets new ones. */
  forgetRoleCredentials(role: CatalogRole): void;
  /** Whether the agent has that SSO session, and which session serves a start URL (legacy profiles). */
  hasSession(session: string): boolean;
  sessionForStartUrl(startUrl: string): string | undefined;
  /** The region of an SSO session: STS's region when no profile of the chain sets one. */
  sessionRegion(session: string): string | undefined;
  /** The pause before the next AssumeRole attempt while STS fails (the same policy as role credentials). */
  retryDelay: CredentialCacheOptions['retryDelay'];
}

/** The chained profiles' cache entries live under this pseudo-session, one per profile name. */
const KEY_PREFIX = 'chained:';
/** STS's own default (its global endpoint's region) when nothing in the chain names a region. */
const FALLBACK_REGION = 'us-east-1';

const EMPTY: ChainedConfig = { definitions: new Map(), invalid: new Map(), sections: new Map() };

/**
 * The chained profiles the agent serves: read from the AWS config (at start, on `sync`, on
 * SIGHUP: all through `reload`), resolved against the catalog whenever it changes, and served
 * from their own credential cache, which renews a busy profile before expiry, serves through STS
 * outages while the credentials last and makes one AssumeRole call for concurrent requests.
 * Its entries belong to the profile, not to the SSO session below it, so token refreshes,
 * re-syncs and re-logins leave them alone; only a logout of that session drops them.
 */
export class ChainedRoles {
  private config: ChainedConfig = EMPTY;
  private file: string;
  private resolved = new Map<string, Resolution<CatalogRole>>();
  private rows: ChainedRole[] = [];
  private users: UserProfiles = { rows: [], missing: new Map() };
  private usersByName = new Map<string, UserProfileRow>();
  private byName = new Map<string, ChainedRole>();
  /** The catalog list the resolution was computed from; a new list means a new resolution. */
  private resolvedFor: CatalogRole[] | undefined;
  private readonly logged = new Set<string>();
  private readonly cache: CredentialCache;

  constructor(private readonly opts: ChainedRolesOptions) {
    this.file = awsConfigPath(opts.env);
    this.cache = new CredentialCache({ clock: opts.clock, logger: opts.logger, fetch: (key) => this.fetch(key), retryDelay: opts.retryDelay });
  }

  /** Re-reads the AWS config; a profile whose definition changed or vanished loses its cached credentials. */
  async reload(): Promise<void> {
    this.file = awsConfigPath(this.opts.env);
    const { sections: configFile } = await readAwsConfig(this.file);
    const next = readChainedConfig(configFile, this.file);
    for (const [name, def] of this.config.definitions) {
      const now = next.definitions.get(name);
      if (!now || !sameDefinition(def, now)) this.cache.dropSession(KEY_PREFIX + name);
    }
    this.config = next;
    this.resolvedFor = undefined;
    for (const [name, why] of next.invalid) this.logOnce(`${name}:${why}`, { profile: name, why }, 'ignoring a chained profile');
    this.opts.logger.info({ chainedProfiles: next.definitions.size }, 'chained profiles loaded');
  }

  list(): ChainedRole[] {
    this.refresh();
    return this.rows;
  }

  /** The chained profile named `ref`; undefined if there is none; throws if it is broken as written. */
  resolve(ref: string): ChainedRole | undefined {
    this.refresh();
    const row = this.byName.get(ref);
    if (row) return row;
    const r = this.resolved.get(ref);
    if (r && !r.ok && r.invalid) throw new ChainedProfileInvalidError(`chained profile ${ref} cannot be served: ${r.why}`);
    return undefined;
  }

  /** The person's own profile names for agent roles (user-profiles.ts). */
  userProfiles(): UserProfileRow[] {
    this.refresh();
    return this.users.rows;
  }

  /** The person's profile named `ref`; undefined if there is none; throws when its role is not served. */
  userProfile(ref: string): UserProfileRow | undefined {
    this.refresh();
    const row = this.usersByName.get(ref);
    if (row) return row;
    const why = this.users.missing.get(ref);
    if (why) throw new ProfileNotFoundError(ref, { why });
    return undefined;
  }

  credentials(role: CatalogRole): Promise<RoleCredentials> {
    return this.cache.get(this.keyOf(role.profile));
  }

  /** The profile's cached credentials if they can be served without waiting (CredentialCache.servable). */
  servable(role: CatalogRole): RoleCredentials | undefined {
    return this.cache.servable(this.keyOf(role.profile));
  }

  /** A logout: the credentials of every chained profile standing on that session go too. */
  dropSession(session: string): number {
    this.refresh();
    let n = 0;
    for (const row of this.rows) if (row.session === session) n += this.cache.dropSession(KEY_PREFIX + row.profile);
    return n;
  }

  close(): void {
    this.cache.close();
  }

  private keyOf(name: string): CredentialKey {
    const arn = parseRoleArn(this.config.definitions.get(name)?.roleArn ?? '');
    return { session: KEY_PREFIX + name, accountId: arn?.accountId ?? '-', roleName: arn?.roleName ?? '-' };
  }

  private refresh(): void {
    const catalog = this.opts.catalog.list();
    if (this.resolvedFor === catalog) return;
    this.resolvedFor = catalog;
    this.resolved = resolveChained(this.config, {
      agentRole: (ref, session) => {
        const role = this.opts.catalog.resolve(ref);
        if (!session || role?.session === session) return role;
        return catalog.find((r) => r.session === session && `${r.accountId}:${r.roleName}` === ref);
      },
      catalogEmpty: catalog.length === 0,
      file: this.file,
    });
    const accountNames = new Map(catalog.map((r) => [r.accountId, r.accountName]));
    const rows: ChainedRole[] = [];
    for (const [name, r] of this.resolved) {
      if (!r.ok) {
        if (r.invalid || !r.quiet) this.logOnce(`${name}:${r.why}`, { profile: name, why: r.why }, 'ignoring a chained profile');
        continue;
      }
      const arn = parseRoleArn(r.def.roleArn);
      const region = this.regionOf(r);
      rows.push({
        session: r.root.session,
        accountId: arn?.accountId ?? '',
        accountName: (arn && accountNames.get(arn.accountId)) ?? '',
        roleName: arn?.roleName ?? '',
        roleArn: r.def.roleArn,
        profile: name,
        stale: r.root.stale,
        chained: true,
        source: r.def.sourceProfile,
        ...(region ? { region } : {}),
      });
    }
    rows.sort((a, b) => codeUnitOrder(a.profile, b.profile));
    this.rows = rows;
    this.byName = new Map(rows.map((row) => [row.profile, row]));
    this.users = resolveUserProfiles(this.config.sections, {
      agentRole: (ref, session) => {
        const role = this.opts.catalog.resolve(ref);
        if (!session || role?.session === session) return role;
        return catalog.find((r) => r.session === session && `${r.accountId}:${r.roleName}` === ref);
      },
      hasSession: this.opts.hasSession, sessionForStartUrl: this.opts.sessionForStartUrl, file: this.file,
    });
    this.usersByName = new Map(this.users.rows.map((row) => [row.profile, row]));
  }

  /** The first region set along the chain, from the profile down. */
  private regionOf(r: Resolution<CatalogRole> & { ok: true }): string | undefined {
    for (const name of r.path) {
      const region = this.config.definitions.get(name)?.region;
      if (region) return region;
    }
    return undefined;
  }

  private async fetch(key: CredentialKey): Promise<RoleCredentials> {
    this.refresh();
    const name = key.session.slice(KEY_PREFIX.length);
    const r = this.resolved.get(name);
    if (!r) throw new ProfileNotFoundError(name);
    if (!r.ok) {
      if (r.invalid) throw new ChainedProfileInvalidError(`chained profile ${name} cannot be served: ${r.why}`);
      throw new ProfileNotFoundError(name);
    }
    const source = r.source;
    const sourceRow = source.kind === 'chained' ? this.byName.get(source.name) : undefined;
    const ctx: AssumeContext = {
      def: r.def,
      file: this.file,
      session: r.root.session,
      sourceArn: source.kind === 'agent'
        ? `the IAM Identity Center role ${source.role.roleName} of account ${source.role.accountId}`
        : `${sourceRow?.roleArn ?? source.name} (profile ${source.name})`,
    };
    const sourceCredentials = (): Promise<RoleCredentials> => {
      if (source.kind === 'agent') return this.opts.roleCredentials(source.role);
      if (!sourceRow) throw new ProfileNotFoundError(source.name);
      return this.credentials(sourceRow);
    };
    const forgetSource = (): void => {
      if (source.kind === 'agent') this.opts.forgetRoleCredentials(source.role);
      else this.cache.dropSession(KEY_PREFIX + source.name);
    };
    const region = this.regionOf(r) ?? this.opts.sessionRegion(r.root.session) ?? FALLBACK_REGION;
    const attempt = async (): Promise<RoleCredentials> => {
      const creds = await sourceCredentials();
      const client = this.opts.clients.sts(region, creds);
      try {
        const out = await assumeRole(client, r.def, r.def.roleSessionName ?? defaultSessionName(this.opts.clock.now()));
        return checkAssumeRole(out, ctx, this.opts.clock.now());
      } finally {
        client.destroy();
      }
    };
    try {
      let creds: RoleCredentials;
      try {
        creds = await attempt();
      } catch (err) {
        // STS no longer takes source credentials the agent thought good (revoked, clock skew):
        // fresh ones and one more try before the person is told.
        if (!isSourceRejected(err)) throw err;
        forgetSource();
        creds = await attempt();
      }
      this.opts.logger.info({ profile: name, roleArn: r.def.roleArn, via: r.path.slice(1).join(' → '), expiresAt: new Date(creds.expiration).toISOString() }, 'assumed chained role');
      return creds;
    } catch (err) {
      const mapped = mapAssumeRoleError(err, ctx);
      this.opts.logger.warn({ profile: name, roleArn: r.def.roleArn, err: mapped.code }, 'chained role not assumed');
      throw mapped;
    }
  }

  private logOnce(key: string, fields: Record<string, unknown>, msg: string): void {
    if (this.logged.has(key)) return;
    this.logged.add(key);
    this.opts.logger.warn(fields, msg);
  }
}

function sameDefinition(a: ChainedDefinition, b: ChainedDefinition): boolean {
  return a.roleArn === b.roleArn && a.sourceProfile === b.sourceProfile && a.roleSessionName === b.roleSessionName &&
    a.externalId === b.externalId && a.durationSeconds === b.durationSeconds && a.region === b.region;
}
