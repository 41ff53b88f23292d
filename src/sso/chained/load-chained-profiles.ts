/**
 * Chained profiles: `[profile NAME]` sections of the AWS config with `role_arn` and
 * `source_profile`, whose source is (in the end) a role the agent serves. Pure: parsing the
 * config's sections and resolving each profile's chain against the agent's catalog, with the
 * loop and depth checks. Nothing here calls AWS or reads a file.
 */
import { agentProfileOfProcess } from '../../ini/agent-process-line.js';

/** `[profile NAME]` sections as @smithy/shared-ini-file-loader returns them (`default`, `NAME`, `sso-session.X`, …). */
export type ConfigSections = Record<string, Record<string, string | undefined> | undefined>;

/**
 * AssumeRole calls one chained profile may stack on the agent's role. Every hop is a cold-start
 * round trip to STS and, being role chaining, lasts at most an hour; past a handful it is a
 * configuration mistake, not a design.
 */
export const MAX_CHAIN_DEPTH = 5;

/**
 * Names the agent serves go into URL paths and `credential_process` lines; these characters are
 * safe in both and never mistaken for the `ACCOUNT_ID:ROLE_NAME` or ARN forms (which hold `:`).
 */
export const NAME_RE = /^[A-Za-z0-9._@+=-]{1,128}$/;

export interface ChainedDefinition {
  name: string;
  roleArn: string;
  sourceProfile: string;
  roleSessionName?: string;
  externalId?: string;
  durationSeconds?: number;
  region?: string;
}

/** What a profile named as `source_profile` stands for. */
export type SourceKind =
  | { kind: 'chained'; name: string }
  /** A role of the agent: a name from `ls`, `ACCOUNT_ID:ROLE_NAME`, or (sso-session profiles) with its session. */
  | { kind: 'agent'; ref: string; session?: string; /** Legacy SSO profiles name their start URL, not a session. */ startUrl?: string }
  | { kind: 'foreign'; why: string };

export interface ChainedConfig {
  /** Every `[profile]` with role_arn + source_profile, valid or not, by name. */
  definitions: Map<string, ChainedDefinition>;
  /** Definitions that can never work as written (bad name, bad duration_seconds): name → why. */
  invalid: Map<string, string>;
  /** What each other section of the file is, when named as a source. */
  sections: Map<string, SourceKind>;
}

function classify(name: string, s: Record<string, string | undefined>): SourceKind {
  if (s.role_arn && s.source_profile) return { kind: 'chained', name };
  if (s.credential_process) {
    const ref = agentProfileOfProcess(s.credential_process);
    if (ref) return { kind: 'agent', ref };
    return { kind: 'foreign', why: `[profile ${name}] runs a credential_process that is not \`sso-agent credential-process\`` };
  }
  if (s.sso_session && s.sso_account_id && s.sso_role_name) {
    return { kind: 'agent', ref: `${s.sso_account_id}:${s.sso_role_name}`, session: s.sso_session };
  }
  if (s.sso_start_url && s.sso_account_id && s.sso_role_name) {
    return { kind: 'agent', ref: `${s.sso_account_id}:${s.sso_role_name}`, startUrl: s.sso_start_url };
  }
  if (s.role_arn) return { kind: 'foreign', why: `[profile ${name}] assumes its role from ${s.credential_source ? 'credential_source' : 'something other than source_profile'}` };
  return { kind: 'foreign', why: `[profile ${name}] has its own credentials (keys, SSO settings or another tool)` };
}

function parseDuration(raw: string | undefined): number | undefined | Error {
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\d+$/.test(raw.trim())) return new Error(`duration_seconds must be a whole number of seconds, not ${JSON.stringify(raw)}`);
  return Number(raw.trim());
}

/** Reads the chained profiles and classifies every other profile section. `file` only names it in messages. */
export function readChainedConfig(sections: ConfigSections, file: string): ChainedConfig {
  const definitions = new Map<string, ChainedDefinition>();
  const invalid = new Map<string, string>();
  const kinds = new Map<string, SourceKind>();
  for (const [key, section] of Object.entries(sections)) {
    // sso-session.X, services.X: not profiles (the loader keeps `[profile X]` as `X`).
    if (!section || key.includes('.')) continue;
    const kind = classify(key, section);
    kinds.set(key, kind);
    if (kind.kind !== 'chained') continue;
    const def: ChainedDefinition = { name: key, roleArn: section.role_arn!.trim(), sourceProfile: section.source_profile!.trim() };
    if (section.role_session_name) def.roleSessionName = section.role_session_name.trim();
    if (section.external_id) def.externalId = section.external_id.trim();
    if (section.region) def.region = section.region.trim();
    const duration = parseDuration(section.duration_seconds);
    definitions.set(key, def);
    if (duration instanceof Error) {
      invalid.set(key, `${duration.message}: fix [profile ${key}] in ${file}`);
      continue;
    }
    if (duration !== undefined) def.durationSeconds = duration;
    if (section.mfa_serial) {
      invalid.set(key, `it sets mfa_serial, but the agent runs in the background and cannot ask for an MFA code (IAM Identity Center's sign-in already asked for one): drop mfa_serial from [profile ${key}] in ${file}, or let the AWS CLI assume that role itself`);
      continue;
    }
    if (!NAME_RE.test(key)) {
      invalid.set(key, `the profile name ${JSON.stringify(key)} has characters the agent cannot serve (use letters, digits and . _ @ + = -): rename [profile ${key}] in ${file}`);
    }
  }
  return { definitions, invalid, sections: kinds };
}

/** An agent role as the resolver needs it; `CatalogRole` fits. */
export interface AgentRoleRef { profile: string; session: string }

export type Resolution<R extends AgentRoleRef> =
  | {
    ok: true;
    def: ChainedDefinition;
    /** The profile's own source: an agent role, or another chained profile by name. */
    source: { kind: 'agent'; role: R } | { kind: 'chained'; name: string };
    /** The agent role at the bottom of the chain (whose session the credentials come from). */
    root: R;
    /** Profile names from this one down to the agent role, for messages: a → b → prod-admin. */
    path: string[];
  }
  /** `invalid`: can never work as written; the user asking for it gets `why`. */
  | { ok: false; def: ChainedDefinition; invalid: true; why: string }
  /** The source is not (or not yet) an agent role; `quiet` while the catalog is empty (before the first sync). */
  | { ok: false; def: ChainedDefinition; invalid: false; why: string; quiet: boolean };

export interface ResolveOptions<R extends AgentRoleRef> {
  /** The agent's catalog: a profile name from `ls` or `ACCOUNT_ID:ROLE_NAME`, optionally within a session. */
  agentRole(ref: string, session?: string): R | undefined;
  /** Whether the catalog has any role yet (until the first sync every agent source is unknown). */
  catalogEmpty: boolean;
  file: string;
}

/**
 * Resolves every chained profile. `source_profile = X` is read as the AWS CLI reads it: a
 * `[profile X]` section in the file wins (it may itself be chained, be written by `sso-agent
 * config --write`, or be an sso-session profile of an agent session); without one, X is a name
 * the agent serves (`sso-agent ls`). A chained profile whose own name the agent already serves
 * is left out, so a name never means two identities.
 */
export function resolveChained<R extends AgentRoleRef>(config: ChainedConfig, opts: ResolveOptions<R>): Map<string, Resolution<R>> {
  const out = new Map<string, Resolution<R>>();
  const resolving = new Set<string>();

  const visit = (name: string, trail: string[]): Resolution<R> => {
    const done = out.get(name);
    if (done) return done;
    const def = config.definitions.get(name)!;
    const fail = (why: string, invalid = true, quiet = false): Resolution<R> => (invalid ? { ok: false, def, invalid: true, why } : { ok: false, def, invalid: false, why, quiet });
    const bad = config.invalid.get(name);
    if (bad) return fail(bad);
    if (opts.agentRole(name)) return fail(`the agent already serves a role named ${name}, which wins; rename [profile ${name}] in ${opts.file}`, false);

    const src = def.sourceProfile;
    const kind: SourceKind = config.sections.get(src) ?? { kind: 'agent', ref: src };
    if (kind.kind === 'foreign') {
      return fail(`its source_profile ${src} is not served by the agent (${kind.why}); point source_profile at a profile from \`sso-agent ls\``, false);
    }
    if (kind.kind === 'agent') {
      const role = opts.agentRole(kind.ref, kind.session);
      if (!role) {
        const what = kind.ref === src ? `no profile named ${src}` : `[profile ${src}] names ${kind.ref}, which it does not know`;
        return fail(`its source_profile ${src} is not a role of the agent (${what}); check \`sso-agent ls\` or run \`sso-agent sync\``, false, opts.catalogEmpty);
      }
      return { ok: true, def, source: { kind: 'agent', role }, root: role, path: [name, role.profile] };
    }
    // Another chained profile.
    if (resolving.has(src)) {
      const loop = [...trail.slice(trail.indexOf(src)), src].join(' → ');
      return fail(`source_profile loop ${loop}: fix source_profile in one of these profiles in ${opts.file}`);
    }
    if (trail.length >= MAX_CHAIN_DEPTH) {
      return fail(`the chain ${[...trail, src].join(' → ')} is deeper than ${MAX_CHAIN_DEPTH} AssumeRole hops: assume the role from a profile closer to an agent role`);
    }
    resolving.add(name);
    const below = visit(src, [...trail, src]);
    resolving.delete(name);
    if (!below.ok) {
      // A loop or depth failure below is this profile's too; a missing source stays "not served".
      if (below.invalid) return fail(below.why.startsWith('source_profile loop') || below.why.startsWith('the chain') ? below.why : `its source_profile ${src} is broken: ${below.why}`);
      return fail(`its source_profile ${src} is not served by the agent: ${below.why}`, false, below.quiet);
    }
    return { ok: true, def, source: { kind: 'chained', name: src }, root: below.root, path: [name, ...below.path] };
  };

  for (const name of config.definitions.keys()) {
    resolving.add(name);
    const r = visit(name, [name]);
    resolving.delete(name);
    out.set(name, r);
  }
  return out;
}

