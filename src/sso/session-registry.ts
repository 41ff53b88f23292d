import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { SSOClient } from '@aws-sdk/client-sso';
import { ConfigFileError, InvalidInputError, SessionInConfigFileError, SessionNotFoundError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { LoginRequest, SessionConfig } from '../core/types.js';
import { nearName } from '../edit-distance.js';
import { LatestFileWriter } from '../store/latest-file-writer.js';
import type { AwsClientFactory } from './clients.js';
import {
  DEFAULT_SCOPES, awsConfigPath, loadAwsConfigSessions, loadSettingsSessions, mergeSessions, parseRegion,
  parseSessionName, parseStartUrl, saveSettingsSessions, sessionNameFor,
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
  /** Added by a login whose first contact with AWS has not succeeded yet: saved only then (confirm). */
  private readonly provisional = new Set<string>();
  private settingsWriter: LatestFileWriter | undefined;
  /** Sections of the AWS config left out at the last load, by session name, with the reason. */
  private configProblems = new Map<string, string>();
  /** The AWS config itself, when botocore would refuse it (line and fix). */
  private fileProblem: string | undefined;

  constructor(private readonly opts: SessionRegistryOptions) {}

  async load(): Promise<void> {
    const { sessions: fromConfig, skipped, problems, legacy, fileProblem } = await loadAwsConfigSessions(this.opts.env);
    this.configProblems = problems;
    if (fileProblem && fileProblem !== this.fileProblem) this.opts.logger.warn({ why: fileProblem }, 'the AWS config cannot be parsed as the AWS CLI parses it');
    this.fileProblem = fileProblem;
    for (const why of skipped) this.opts.logger.warn({ why }, 'ignoring an incomplete sso-session section');
    const fromSettings = await loadSettingsSessions(this.opts.settingsFile);
    const merged = mergeSessions(fromConfig, fromSettings);
    // Legacy profiles' start URLs that no session covers become sessions, as [sso-session] sections do.
    const taken = new Set([...merged.map((s) => s.name), ...this.sessions.keys()]);
    for (const l of legacy) {
      if (merged.some((s) => s.startUrl === l.startUrl)) continue;
      const known = [...this.sessions.values()].find((s) => s.config.startUrl === l.startUrl && s.config.source === 'aws-config');
      const name = known?.config.name ?? sessionNameFor(l.startUrl, taken);
      taken.add(name);
      merged.push({ ...l, name });
    }
    for (const config of merged) {
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

  /** What is wrong with the AWS config as last read: the file as a whole, and sections left out. */
  problems(): { file?: string; sessions: string[] } {
    return { ...(this.fileProblem ? { file: this.fileProblem } : {}), sessions: [...this.configProblems.values()] };
  }

  names(): string[] {
    return [...this.sessions.keys()];
  }

  has(name: string): boolean {
    return this.sessions.has(name);
  }

  config(name: string): SessionConfig {
    const s = this.sessions.get(name);
    if (!s) throw new SessionNotFoundError(name, nearName(name, this.names()).near);
    return s.config;
  }

  clients(name: string): SessionClients {
    const s = this.sessions.get(name);
    if (!s) throw new SessionNotFoundError(name, nearName(name, this.names()).near);
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
    // ~/.aws/config may have changed since the last command: a login uses what it says now.
    await this.load();
    if (req.session) {
      const known = this.sessions.get(req.session)?.config;
      if (known) {
        if (req.startUrl && parseStartUrl(req.startUrl) !== known.startUrl) {
          throw new InvalidInputError(`SSO session ${req.session} already uses the start URL ${known.startUrl}: drop --start-url, or pick another --session name`);
        }
        if (req.region && req.region !== known.region) {
          throw new InvalidInputError(`SSO session ${req.session} is in region ${known.region}, not ${req.region}: drop --region, or pick another --session name`);
        }
        return known;
      }
      const problem = this.configProblems.get(req.session);
      if (problem) throw new ConfigFileError(problem);
      if (!req.startUrl || !req.region) throw new SessionNotFoundError(req.session, req.startUrl ? undefined : nearName(req.session, this.names()).near);
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

  /** AWS accepted the first call of a login for a session it added: keep it from now on. */
  async confirm(name: string): Promise<void> {
    if (this.provisional.delete(name)) await this.save();
  }

  /** The first contact of a login for a session it added failed: nothing of it stays. */
  discard(name: string): void {
    if (!this.provisional.delete(name)) return;
    this.drop(name);
  }

  /** Throws SessionNotFoundError, or SessionInConfigFileError for a session still in ~/.aws/config. */
  async checkRemovable(name: string): Promise<void> {
    const config = this.config(name);
    if (config.source !== 'aws-config') return;
    // Deleted from the file since the agent read it: it may go.
    const { sessions } = await loadAwsConfigSessions(this.opts.env);
    if (sessions.some((s) => s.name === name)) throw new SessionInConfigFileError(name, awsConfigPath(this.opts.env));
  }

  /**
   * Forgets a session `login --start-url` added. One still in ~/.aws/config is refused: that file is
   * the person's, and the agent never writes it.
   */
  async remove(name: string): Promise<void> {
    await this.checkRemovable(name);
    this.provisional.delete(name);
    this.drop(name);
    await this.save();
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

  private drop(name: string): void {
    const s = this.sessions.get(name);
    if (s?.clients) { s.clients.oidc.destroy(); s.clients.portal.destroy(); s.clients.portalSync.destroy(); }
    this.sessions.delete(name);
  }

  private replace(config: SessionConfig): void {
    const s = this.sessions.get(config.name);
    if (s?.clients) { s.clients.oidc.destroy(); s.clients.portal.destroy(); s.clients.portalSync.destroy(); }
    this.sessions.set(config.name, { config });
    this.opts.onChanged(config.name, 'edited');
  }

  private async add(name: string, startUrlInput: string, regionInput: string, scopes?: string[]): Promise<SessionConfig> {
    const config: SessionConfig = {
      name: parseSessionName(name),
      startUrl: parseStartUrl(startUrlInput),
      region: parseRegion(regionInput),
      scopes: scopes?.length ? [...scopes] : [...DEFAULT_SCOPES],
      source: 'agent-settings',
    };
    this.sessions.set(name, { config });
    this.opts.onChanged(name, 'added');
    // Saved once AWS accepts its first call (confirm): a typo'd start URL leaves nothing behind.
    this.provisional.add(name);
    this.opts.logger.info({ session: name, startUrl: config.startUrl, region: config.region }, 'session added');
    return config;
  }

  private async save(): Promise<void> {
    const added = [...this.sessions.values()].map((s) => s.config)
      .filter((c) => c.source === 'agent-settings' && !this.provisional.has(c.name));
    // One writer for the file: overlapping saves (logins adding sessions at once) never share a temp file.
    this.settingsWriter ??= new LatestFileWriter(this.opts.settingsFile);
    await saveSettingsSessions(this.opts.settingsFile, added, this.settingsWriter);
  }
}
