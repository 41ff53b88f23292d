import { ConfigFileError, BadUsageError, isAgentError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import { atomicWrite } from '../aws-config/atomic-write.js';
import { configFilePath } from '../aws-config/config-path.js';
import { checkConfigText } from '../aws-config/plan-config.js';
import { planMigrate, type MigrateInput } from '../aws-config/plan-migrate.js';
import { defaultSelfCommand } from '../aws-config/self-command.js';
import type { Command } from '../command.js';
import { readConfig, terminalDeps, type ConfigDeps } from './config.js';

const HELP = `Usage: sso-agent migrate [--write] [--config-file PATH]

Moves the AWS CLI's own SSO setup to the agent. Every profile that \`aws sso login\` serves
(sso_session + sso_account_id + sso_role_name, or the legacy sso_start_url form; [default] too)
is rewritten in place: its SSO lines give way to a credential_process line that asks the agent
(as \`sso-agent config --write\` writes it). The profile keeps its name, its place in the file,
its comments and its other keys (region, output, …); [sso-session] sections stay (the agent reads
them); a legacy start URL with no [sso-session] section gets one. After it, \`aws --profile NAME\`,
AWS_PROFILE=NAME and \`sso-agent exec NAME\` all sign as that role through the agent.

Without --write it shows the change as a diff and writes nothing. With --write the file is
replaced atomically and the previous version kept as FILE.bak (printed): copy it back to undo.
Running it again changes nothing. A file the AWS CLI could not parse is refused with the line.

  --write              write the file
  --config-file PATH   the file (default: $AWS_CONFIG_FILE, else ~/.aws/config)
`;

/** The same as `config`'s: the terminal, the environment, the agent, and test seams. */
export type MigrateDeps = ConfigDeps;

export async function runMigrate(argv: string[], deps: MigrateDeps): Promise<number> {
  const { values, positionals, help } = parseCommandArgs('migrate', argv, { write: { type: 'boolean' }, 'config-file': { type: 'string' } });
  if (help) {
    deps.out(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new BadUsageError(`migrate takes no arguments (got ${positionals[0]}); see \`sso-agent migrate --help\``);
  const file = configFilePath(values['config-file'], deps.env, deps.cwd);
  const raw = await readConfig(file);
  if (raw === null) throw new ConfigFileError(`${file} does not exist: there is nothing to migrate (pass --config-file PATH for another file)`);
  const text = raw.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(raw)) throw new ConfigFileError(`${file} is not UTF-8 text, so it was not changed; convert it to UTF-8 first`);

  // A broken file is refused before the agent is asked anything.
  checkConfigText(text, file);
  // The agent's catalog only sharpens the warnings: migrating works while it is down.
  let agent: MigrateInput['agent'];
  try {
    const [roles, sessions] = await Promise.all([deps.agent.profiles(), deps.agent.sessions()]);
    agent = { roles, sessions };
  } catch (err) {
    if (!isAgentError(err) || err.code !== 'AgentNotRunning') throw err;
    deps.err('sso-agent: note: the agent is not running, so the roles were not checked against it\n');
  }
  const plan = planMigrate({ text, file, command: (deps.selfCommand ?? defaultSelfCommand)(), ...(agent ? { agent } : {}) });
  for (const w of plan.warnings) deps.err(`sso-agent: warning: ${w}\n`);
  if (!plan.changed) {
    deps.out(`${file} has no AWS CLI SSO profile left to migrate\n`);
    return 0;
  }
  const what = `${plan.migrated.length} profile${plan.migrated.length === 1 ? '' : 's'} (${plan.migrated.join(', ')})` +
    (plan.addedSessions.length ? `, ${plan.addedSessions.length} [sso-session] section${plan.addedSessions.length === 1 ? '' : 's'} added (${plan.addedSessions.join(', ')})` : '');
  if (!values.write) {
    const { createTwoFilesPatch } = await import('diff');
    deps.out(createTwoFilesPatch(file, file, text, plan.text, 'current', 'after `sso-agent migrate --write`'));
    deps.err(`dry run: ${what} would move to the agent; nothing written. Run \`sso-agent migrate --write\` to apply.\n`);
    return 0;
  }
  const res = await atomicWrite(file, plan.text, { expected: raw, ...(deps.fs ? { fs: deps.fs } : {}) });
  deps.out(`migrated ${what} in ${file}${res.backup ? `; the previous version is ${res.backup} (copy it back to undo)` : ''}\n`);
  return 0;
}

export const command: Command = (argv) => runMigrate(argv, terminalDeps());
