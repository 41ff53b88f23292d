import { BadUsageError } from '../../errors.js';
import { parseCommandArgs, parseIntFlag } from '../args.js';
import type { Command } from '../command.js';
import { formatContainerAddress, parseContainerAddress } from '../parse-container-address.js';
import { runService, type ServiceAction, type ServiceDeps } from '../service/run-service.js';

const HELP = `Usage: sso-agent service install|uninstall|status [options]

Runs the agent as a per-user service that starts at login and restarts after a crash:
a systemd user unit on Linux (~/.config/systemd/user/sso-agent.service), a launchd agent
on macOS (~/Library/LaunchAgents/io.github.aws-sso-agent.plist). The unit runs this node
and this package's dist/cli/main.js by absolute path: re-run install after moving either.

  install     write the unit/plist, then enable and start it
  uninstall   stop and disable it, then remove the file
  status      installed? running? answering /health? (exit 0 only if all three)

Options:
  --dry-run            print the files and commands instead of doing anything
  --port N             the agent's TCP port (default: $SSO_AGENT_PORT, else 8732)
  --json               status as JSON
  --manager M          systemd or launchd: skip detection (e.g. to --dry-run the other one)
  --persist keychain   the agent keeps sessions in the OS keychain (\`serve --persist keychain\`)
  --container-address ADDR[:PORT]  the agent also serves containers on ADDR (\`serve --container-address\`; repeatable)
  -h, --help           this help

Without systemd (user manager) or launchd it says so and prints the \`serve\` command to run.
`;

const ACTIONS: readonly ServiceAction[] = ['install', 'uninstall', 'status'];

/** The command with its effects injected; `command` below wires in the real machine. */
export async function serviceCommand(argv: string[], deps: () => ServiceDeps | Promise<ServiceDeps>): Promise<number> {
  const { values, positionals, help } = parseCommandArgs('service', argv, {
    'dry-run': { type: 'boolean' },
    port: { type: 'string' },
    json: { type: 'boolean' },
    manager: { type: 'string' },
    persist: { type: 'string' },
    'container-address': { type: 'string', multiple: true },
  });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [action, ...extra] = positionals;
  if (action === undefined || !ACTIONS.includes(action as ServiceAction)) {
    throw new BadUsageError(`say what to do: \`sso-agent service install\`, \`uninstall\` or \`status\`${action === undefined ? '' : ` (not ${JSON.stringify(action)})`}`);
  }
  if (extra.length > 0) throw new BadUsageError(`unexpected argument ${JSON.stringify(extra[0])}; see \`sso-agent service --help\``);
  const manager = values.manager;
  if (manager !== undefined && manager !== 'systemd' && manager !== 'launchd') {
    throw new BadUsageError(`--manager takes systemd or launchd, not ${JSON.stringify(manager)}`);
  }
  const port = parseIntFlag(values.port, '--port', 1, 65535);
  if (values.persist !== undefined && values.persist !== 'keychain') {
    throw new BadUsageError(`--persist takes keychain, not ${JSON.stringify(values.persist)} (without it the agent keeps sessions in memory only)`);
  }
  return runService(action as ServiceAction, {
    dryRun: Boolean(values['dry-run']),
    json: Boolean(values.json),
    ...(port !== undefined ? { port } : {}),
    ...(manager !== undefined ? { manager } : {}),
    ...(values.persist !== undefined ? { persist: 'keychain' as const } : {}),
    ...(values['container-address'] !== undefined ? { containerAddresses: values['container-address'].map((a) => formatContainerAddress(parseContainerAddress(a))) } : {}),
  }, await deps());
}

export const command: Command = (argv) =>
  serviceCommand(argv, async () => (await import('../service/service-deps.js')).defaultServiceDeps());
