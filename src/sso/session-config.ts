import { readFile } from 'node:fs/promises';
import { LatestFileWriter } from '../store/latest-file-writer.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigFileError, InvalidInputError } from '../errors.js';
import type { SessionConfig } from '../core/types.js';
import { isRegion } from '../core/aws-names.js';
import { readAwsConfig } from './read-aws-config.js';

/** What CreateToken needs to return a refresh token. */
export const DEFAULT_SCOPES = ['sso:account:access'];

export function awsConfigPath(env: NodeJS.ProcessEnv): string {
  return env.AWS_CONFIG_FILE || join(env.HOME || homedir(), '.aws', 'config');
}

/** `sso_registration_scopes` is comma-separated; empty means the default. */
export function parseScopes(value: string | undefined): string[] {
  const scopes = (value ?? '').split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
  return scopes.length ? scopes : [...DEFAULT_SCOPES];
}

/**
 * `[sso-session NAME]` sections of the AWS config file, read with the SDK's own ini loader (the
 * file cache bypassed, so a config edited while the agent runs is seen on the next load).
 * Sections without a start URL or region are skipped with a reason, not fatal: the file is the
 * person's, and one half-written section must not stop the agent.
 */
export async function loadAwsConfigSessions(env: NodeJS.ProcessEnv): Promise<{ sessions: SessionConfig[]; skipped: string[]; problems: Map<string, string>; legacy: SessionConfig[]; fileProblem?: string }> {
  const configFilepath = awsConfigPath(env);
  const { sections: configFile, problem: fileProblem } = await readAwsConfig(configFilepath);
  const sessions: SessionConfig[] = [];
  const skipped: string[] = [];
  // Per session name, why it was left out: `login --session NAME` then says that, not "unknown session".
  const problems = new Map<string, string>();
  for (const [key, section] of Object.entries(configFile)) {
    if (!key.startsWith('sso-session.')) continue;
    const name = key.slice('sso-session.'.length);
    const startUrl = section.sso_start_url;
    const region = section.sso_region;
    const where = `[sso-session ${name}] in ${configFilepath}`;
    // The same checks as --start-url and --region: the file must not send AWS what the flags refuse.
    const why = !startUrl || !region
      ? `${where} lacks ${!startUrl ? 'sso_start_url' : 'sso_region'}`
      : configValueProblem(where, 'sso_start_url', startUrl, startUrlProblem(startUrl)) ?? configValueProblem(where, 'sso_region', region, regionProblem(region));
    if (why) {
      skipped.push(why);
      problems.set(name, why);
      continue;
    }
    sessions.push({ name, startUrl: parseStartUrl(startUrl!), region: region!, scopes: parseScopes(section.sso_registration_scopes), source: 'aws-config' });
  }
  return { sessions, skipped, problems, legacy: legacySessions(configFile), ...(fileProblem ? { fileProblem } : {}) };
}

/**
 * The legacy SSO form (`sso_start_url` and `sso_region` in the profile itself, no sso_session):
 * one session per start URL, named later (the registry knows which names are taken). Profiles
 * whose values the flags would refuse are left to the AWS CLI.
 */
function legacySessions(configFile: Record<string, Record<string, string | undefined>>): SessionConfig[] {
  const byUrl = new Map<string, SessionConfig>();
  for (const [key, section] of Object.entries(configFile)) {
    if (key.includes('.') || section.sso_session || !section.sso_start_url || !section.sso_region) continue;
    if (startUrlProblem(section.sso_start_url) || regionProblem(section.sso_region)) continue;
    const startUrl = parseStartUrl(section.sso_start_url);
    if (!byUrl.has(startUrl)) byUrl.set(startUrl, { name: '', startUrl, region: section.sso_region, scopes: [...DEFAULT_SCOPES], source: 'aws-config' });
  }
  return [...byUrl.values()];
}

interface SettingsFile { version: 1; sessions: Array<Omit<SessionConfig, 'source'>> }

/** Sessions added with `login --start-url`. A missing file is an empty list; a broken one says so. */
export async function loadSettingsSessions(file: string): Promise<SessionConfig[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigFileError(`cannot read the agent settings ${file}: ${(err as Error).message}`);
  }
  let parsed: SettingsFile;
  try {
    parsed = JSON.parse(text) as SettingsFile;
  } catch {
    throw new ConfigFileError(`the agent settings ${file} are not valid JSON: fix or delete the file`);
  }
  if (!parsed || !Array.isArray(parsed.sessions)) throw new ConfigFileError(`the agent settings ${file} have no "sessions" list: fix or delete the file`);
  return parsed.sessions
    .filter((s) => s && typeof s.name === 'string' && typeof s.startUrl === 'string' && typeof s.region === 'string')
    .map((s) => ({
      name: s.name, startUrl: s.startUrl, region: s.region,
      scopes: Array.isArray(s.scopes) && s.scopes.length ? s.scopes.map(String) : [...DEFAULT_SCOPES],
      ...(s.oidcEndpoint ? { oidcEndpoint: s.oidcEndpoint } : {}),
      ...(s.portalEndpoint ? { portalEndpoint: s.portalEndpoint } : {}),
      source: 'agent-settings' as const,
    }));
}

/** The settings file's text for the agent-added sessions (names, URLs, regions, scopes: nothing secret). */
export function settingsText(sessions: SessionConfig[]): string {
  const body: SettingsFile = {
    version: 1,
    sessions: sessions.map(({ source: _source, ...s }) => s),
  };
  return JSON.stringify(body, null, 2) + '\n';
}

/** Writes the agent-added sessions atomically, 0600, one save at a time through `writer`. */
export function saveSettingsSessions(file: string, sessions: SessionConfig[], writer = new LatestFileWriter(file)): Promise<void> {
  return writer.write(settingsText(sessions));
}

/** Both sources; a name in the AWS config file wins over the same name in the settings file. */
export function mergeSessions(fromConfig: SessionConfig[], fromSettings: SessionConfig[]): SessionConfig[] {
  const names = new Set(fromConfig.map((s) => s.name));
  return [...fromConfig, ...fromSettings.filter((s) => !names.has(s.name))];
}

function configValueProblem(where: string, key: string, value: string, problem: string | undefined): string | undefined {
  return problem && `${where}: ${key} = ${JSON.stringify(value)} ${problem}; fix that line (then restart the agent or send it SIGHUP)`;
}

/** What is wrong with a start URL, if anything: it must be https, with a host, no query or fragment. */
export function startUrlProblem(input: string): string | undefined {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:') return `must use https (got ${url.protocol.replace(':', '')})`;
  if (url.search) return 'must not carry a query (?…)';
  // A fragment is what the browser bar shows (…/start/#/): parseStartUrl drops it.
  return undefined;
}

/** Why `input` is not a region name (core/aws-names.ts), or undefined. */
export function regionProblem(input: string): string | undefined {
  return isRegion(input) ? undefined : 'is not an AWS region (e.g. eu-west-1)';
}

/**
 * Checks a start URL given on the command line: https, with a host. Returns it without trailing
 * slashes, as portals print it. Rejections name the fix.
 */
export function parseStartUrl(input: string): string {
  const problem = startUrlProblem(input);
  if (problem === 'is not a URL') {
    throw new InvalidInputError(`${JSON.stringify(input)} is not a URL: pass the portal URL, e.g. --start-url https://d-1234567890.awsapps.com/start`);
  }
  if (problem) throw new InvalidInputError(`the start URL ${problem}: pass e.g. --start-url https://d-1234567890.awsapps.com/start`);
  const url = new URL(input);
  // The browser bar shows the portal as …/start/#/ (a client-side route): the fragment never
  // reaches a server, so dropping it keeps the URL the portal means.
  url.hash = '';
  return url.toString().replace(/#$/, '').replace(/\/+$/, '');
}

export function parseRegion(input: string): string {
  if (regionProblem(input)) {
    throw new InvalidInputError(`${JSON.stringify(input)} is not an AWS region: pass the region of your IAM Identity Center, e.g. --region eu-west-1`);
  }
  return input;
}

/**
 * A name for a session added with `login --session NAME`: it becomes part of file entries, log
 * lines and profile names, so it is kept to characters that need no quoting anywhere.
 */
export function parseSessionName(input: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(input)) {
    throw new InvalidInputError(`${JSON.stringify(input)} is not a usable session name: use up to 64 letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. --session work)`);
  }
  return input;
}

/** A session name for a start URL given without --session: its first host label (d-1234567890). */
export function sessionNameFor(startUrl: string, taken: ReadonlySet<string>): string {
  const label = new URL(startUrl).hostname.split('.')[0] ?? 'sso';
  const stem = label.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'sso';
  if (!taken.has(stem)) return stem;
  let n = 2;
  while (taken.has(`${stem}-${n}`)) n++;
  return `${stem}-${n}`;
}
