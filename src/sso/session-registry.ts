import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { SSOClient } from '@aws-sdk/client-sso';
import { InvalidInputError, SessionNotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { LoginRequest, SessionConfig } from '../store/types.js';
import type { AwsClientFactory } from './clients.js';
import {
  DEFAULT_SCOPES, loadAwsConfigSessions, loadSettingsSessions, mergeSessions, parseRegion, parseStartUrl,
  saveSettingsSessions, sessionNameFor,
} from './session-config.js';

/** The AWS clients of one session: OIDC, the portal, and the portal without SDK retries for sync. */
export interface SessionClients { oidc: SSOOIDCClient; portal: SSOClient; portalSync: SSOClient }

export interface SessionRegistryOptions {
  env: NodeJS.ProcessEnv;
  settingsFile: string;
  clients: AwsClientFactory;
  logger: Logger;
  /** A session was added, or its start URL, region or scopes changed (the old OIDC clients no longer fit). */
  onChanged: (name: string, how: 'added' | 'edited') => void;
}

/**
 * Which sessions exist: `[sso-session]` sections of the AWS config plus the ones `login --start-url`
 * added (kept in the agent's settings file), and each one's AWS clients. Holds no secret.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, { config: SessionConfig; clients?: SessionClients }>();

  constructor(private readonly opts: SessionRegistryOptions) {}

  async load(): Promise<void> {
    const { sessions: fromConfig, skipped } = await loadAwsConfigSessions(this.opts.env);
    for (const why of skipped) this.opts.logger.warn({ why }, 'ignoring an incomplete sso-session section');
    const fromSettings = await loadSettingsSessions(this.opts.settingsFile);
    for (const config of mergeSessions(fromConfig, fromSettings)) {
      const known = this.sessions.get(config.name);
      if (!known) {
        this.sessions.set(config.name, { config });
        this.opts.onChanged(config.name, 'added');
      } else if (known.config.startUrl !== config.startUrl || known.config.region !== config.region || known.config.scopes.join() !== config.scopes.join()) {
        // Edited in the config file while the agent runs: the next login uses the new values.
        this.replace(config);
      }
    }
    this.opts.logger.info({ sessions: this.names() }, 'sessions loaded');
  }

  names(): string[] {
    return [...this.sessions.keys()];
  }

  has(name: string): boolean {
    return this.sessions.has(name);
  }

  config(name: string): SessionConfig {
    const s = this.sessions.get(name);
    if (!s) throw new SessionNotFoundError(name);
    return s.config;
  }

  clients(name: string): SessionClients {
    const s = this.sessions.get(name);
    if (!s) throw new SessionNotFoundError(name);
    s.clients ??= {
      oidc: this.opts.clients.oidc(s.config),
      portal: this.opts.clients.portal(s.config, 'default'),
      portalSync: this.opts.clients.portal(s.config, 'sync'),
    };
    return s.clients;
  }

  /** A login asked for other scopes: used from now on, and saved for sessions the agent added. */
  async setScopes(name: string, scopes: string[]): Promise<void> {
    const config = this.config(name);
    if (scopes.join(' ') === config.scopes.join(' ')) return;
    this.replace({ ...config, scopes: [...scopes] });
    if (config.source === 'agent-settings') await this.save();
  }

  /** The session a login request names, adding it when it comes with a start URL and region. */
  async forLogin(req: LoginRequest): Promise<SessionConfig> {
    if (req.session) {
      if (!this.sessions.has(req.session)) await this.load();
      const known = this.sessions.get(req.session)?.config;
      if (known) {
        if (req.startUrl && parseStartUrl(req.startUrl) !== known.startUrl) {
          throw new InvalidInputError(`SSO session ${req.session} already uses the start URL ${known.startUrl}: drop --start-url, or pick another --session name`);
        }
        return known;
      }
      if (!req.startUrl || !req.region) throw new SessionNotFoundError(req.session);
      return this.add(req.session, req.startUrl, req.region, req.scopes);
    }
    const all = [...this.sessions.values()].map((s) => s.config);
    if (req.startUrl) {
      const startUrl = parseStartUrl(req.startUrl);
      const existing = all.find((c) => c.startUrl === startUrl && (!req.region || c.region === req.region));
      if (existing) return existing;
      if (!req.region) throw new InvalidInputError('--start-url needs --region: pass the region of your IAM Identity Center, e.g. --region eu-west-1');
      return this.add(sessionNameFor(startUrl, new Set(this.sessions.keys())), startUrl, req.region, req.scopes);
    }
    if (all.length === 1) return all[0]!;
    if (all.length === 0) {
      throw new InvalidInputError('no SSO session is configured: run `sso-agent login --start-url URL --region REGION`, or add an [sso-session NAME] section to ~/.aws/config');
    }
    throw new InvalidInputError(`several SSO sessions are configured (${this.names().join(', ')}): pass --session NAME`);
  }

  close(): void {
    for (const s of this.sessions.values()) {
      if (!s.clients) continue;
      s.clients.oidc.destroy();
      s.clients.portal.destroy();
      s.clients.portalSync.destroy();
      s.clients = undefined;
    }
  }

  private replace(config: SessionConfig): void {
    const s = this.sessions.get(config.name);
    if (s?.clients) { s.clients.oidc.destroy(); s.clients.portal.destroy(); s.clients.portalSync.destroy(); }
    this.sessions.set(config.name, { config });
    this.opts.onChanged(config.name, 'edited');
  }

  private async add(name: string, startUrlInput: string, regionInput: string, scopes?: string[]): Promise<SessionConfig> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
      throw new InvalidInputError(`${JSON.stringify(name)} is not a usable session name: use letters, digits, '.', '_' and '-'`);
    }
    const config: SessionConfig = {
      name,
      startUrl: parseStartUrl(startUrlInput),
      region: parseRegion(regionInput),
      scopes: scopes?.length ? [...scopes] : [...DEFAULT_SCOPES],
      source: 'agent-settings',
    };
    this.sessions.set(name, { config });
    this.opts.onChanged(name, 'added');
    await this.save();
    this.opts.logger.info({ session: name, startUrl: config.startUrl, region: config.region }, 'session added');
    return config;
  }

  private async save(): Promise<void> {
    const added = [...this.sessions.values()].map((s) => s.config).filter((c) => c.source === 'agent-settings');
    await saveSettingsSessions(this.opts.settingsFile, added);
  }
}
