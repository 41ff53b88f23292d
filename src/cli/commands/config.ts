import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigFileError, NoProfilesError, BadUsageError } from '../../errors.js';
import { socketPath } from '../../paths.js';
import type { CatalogRole, SessionStatus } from '../../core/types.js';
import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { parseCommandArgs } from '../args.js';
import { atomicWrite, checkConfigTarget, type WriteFs } from '../aws-config/atomic-write.js';
import { configFilePath } from '../aws-config/config-path.js';
import { checkConfigText, planConfig } from '../aws-config/plan-config.js';
import { parseTemplate } from '../aws-config/profile-name.js';
import { CONFIG_FORMATS, type ConfigFormat } from '../aws-config/render-profiles.js';
import { defaultSelfCommand } from '../aws-config/self-command.js';
import type { Command } from '../command.js';
import { isRegion } from '../../core/aws-names.js';

const HELP = `Usage: sso-agent config [--write | --dry-run] [options]

Writes one [profile NAME] section per role the agent knows into ~/.aws/config, inside a block
between "# BEGIN/END sso-agent managed block" comments that sso-agent alone owns. Everything
outside the block is kept byte for byte; roles that disappeared are pruned; a profile name that
already exists outside the block is never shadowed (that role is skipped with a warning).

Options:
  --dry-run              show a unified diff of what would change (the default)
  --write                write the file (atomically; the previous version is kept as FILE.bak)
  --config-file PATH     the file to update (default: $AWS_CONFIG_FILE, else ~/.aws/config)
  --format FORMAT        credential_process (default): profiles resolve through the agent;
                         sso-session: native sso_session/sso_account_id/sso_role_name profiles
                         for the AWS CLI's own login flow
  --template TEMPLATE    how profile names are formed, from {session} {account_name}
                         {account_id} {role_name}; default: the name \`sso-agent ls\` shows
  --region REGION        the region line of every profile (default: the session's region)
`;

export interface ConfigAgent {
  profiles(): Promise<CatalogRole[]>;
  sessions(): Promise<SessionStatus[]>;
}

export interface ConfigDeps {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  agent: ConfigAgent;
  /** The quoted self invocation; default: node + this install's dist/cli/main.js. */
  selfCommand?: () => string;
  fs?: WriteFs;
  cwd?: string;
}


export function agentOver(socket: string): ConfigAgent {
  const opts = { socket, timeoutMs: 10_000 };
  return {
    // Chained profiles are sections of this very file already: nothing to write for them.
    profiles: async () => (await adminRequest<CatalogRole[]>('GET', ADMIN_ROUTES.profiles, undefined, opts)).filter((r) => !r.chained),
    sessions: async () => (await adminRequest<{ sessions: SessionStatus[] }>('GET', ADMIN_ROUTES.status, undefined, opts)).sessions ?? [],
  };
}

export async function readConfig(file: string): Promise<Buffer | null> {
  await checkConfigTarget(file);
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'EISDIR') throw new ConfigFileError(`${file} is a folder, not a config file; pass --config-file PATH`);
    throw new ConfigFileError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

async function requireFolder(file: string): Promise<void> {
  const dir = dirname(file);
  const st = await stat(dir).catch(() => undefined);
  if (!st) throw new ConfigFileError(`the folder ${dir} does not exist, so ${file} was not written: create it (mkdir -p ${dir}) or pass another --config-file`);
  if (!st.isDirectory()) throw new ConfigFileError(`${dir} is not a folder, so ${file} cannot be written: pass another --config-file`);
}

export async function runConfig(argv: string[], deps: ConfigDeps): Promise<number> {
  const { values, positionals, help } = parseCommandArgs('config', argv, {
    write: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'config-file': { type: 'string' },
    format: { type: 'string' },
    template: { type: 'string' },
    region: { type: 'string' },
  });
  if (help) {
    deps.out(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new BadUsageError(`unexpected argument ${JSON.stringify(positionals[0])}; see \`sso-agent config --help\``);
  if (values.write && values['dry-run']) throw new BadUsageError('--write and --dry-run contradict each other; pick one');
  const format = (values.format ?? 'credential_process') as ConfigFormat;
  if (!CONFIG_FORMATS.includes(format)) throw new BadUsageError(`--format takes ${CONFIG_FORMATS.join(' or ')}, not ${JSON.stringify(values.format)}`);
  const template = values.template === undefined ? undefined : parseTemplate(values.template);
  if (values.region !== undefined && !isRegion(values.region)) throw new BadUsageError(`--region takes a region such as eu-west-1, not ${JSON.stringify(values.region)}`);

  const file = configFilePath(values['config-file'], deps.env, deps.cwd);
  // Only the default place (~/.aws) is created: a --config-file folder that is missing is a typo more often than a wish.
  if (values['config-file'] !== undefined) await requireFolder(file);
  const raw = await readConfig(file);
  const text = raw === null ? '' : raw.toString('utf8');
  // Decoding and re-encoding must give the same bytes, or "preserved byte for byte" would be a lie.
  if (raw !== null && !Buffer.from(text, 'utf8').equals(raw)) throw new ConfigFileError(`${file} is not UTF-8 text, so it was not changed; convert it to UTF-8 first`);

  // Before asking the agent: a broken file is worth fixing even while the agent is down.
  checkConfigText(text, file);
  const [roles, sessions] = await Promise.all([deps.agent.profiles(), deps.agent.sessions()]);
  if (roles.length === 0) throw new NoProfilesError();
  const command = format === 'credential_process' ? (deps.selfCommand ?? defaultSelfCommand)() : '';

  const plan = planConfig({
    text, file, roles, sessions, format, command,
    ...(template !== undefined ? { template } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
  });
  for (const w of plan.warnings) deps.err(`sso-agent: warning: ${w}\n`);

  const counts = `${plan.profiles.length} profile${plan.profiles.length === 1 ? '' : 's'}`;
  if (!plan.changed) {
    deps.out(`${file} is up to date (${counts} in the sso-agent block)\n`);
    return 0;
  }
  const delta = `+${plan.added.length} added, -${plan.removed.length} removed`;
  if (!values.write) {
    // Loaded only here: `--write` must work even where the diff package is missing.
    const { createTwoFilesPatch } = await import('diff');
    deps.out(createTwoFilesPatch(file, file, text, plan.text, 'current', 'after `sso-agent config --write`'));
    deps.err(`dry run: ${counts} (${delta}); nothing written. Run \`sso-agent config --write\` to apply.\n`);
    return 0;
  }
  const res = await atomicWrite(file, plan.text, { expected: raw, ...(deps.fs ? { fs: deps.fs } : {}) });
  deps.out(`wrote ${counts} to ${file} (${delta})${res.backup ? `; the previous version is ${res.backup}` : ''}\n`);
  return 0;
}

/** The terminal, the environment and the running agent: what `config` and `migrate` run with. */
export function terminalDeps(): Pick<ConfigDeps, 'env' | 'out' | 'err' | 'agent'> {
  return {
    env: process.env,
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    agent: agentOver(socketPath(process.env)),
  };
}

export const command: Command = (argv) => runConfig(argv, terminalDeps());
