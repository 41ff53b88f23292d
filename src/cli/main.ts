#!/usr/bin/env node
/**
 * The `sso-agent` entry. It only dispatches: each subcommand lives in `commands/<name>.ts` and is
 * imported on demand, so `credential-process` never loads Fastify or the AWS SDK.
 */
import { editDistance } from './args.js';
import { EXIT_OK, EXIT_USAGE, exitCodeFor, reportError } from './exit.js';
import type { Command } from './command.js';

const COMMANDS: Record<string, { summary: string; hidden?: boolean; load: () => Promise<{ command: Command }> }> = {
  serve: { summary: 'run the agent in the foreground', load: () => import('./commands/serve.js') },
  login: { summary: 'log in to an SSO session', load: () => import('./commands/login.js') },
  logout: { summary: 'log out of a session and forget its credentials', load: () => import('./commands/logout.js') },
  sync: { summary: 're-list accounts and roles now', load: () => import('./commands/sync.js') },
  status: { summary: 'the agent and each session', load: () => import('./commands/status.js') },
  ls: { summary: 'one row per profile', load: () => import('./commands/ls.js') },
  env: { summary: 'environment that makes a shell use the agent for a profile', load: () => import('./commands/env.js') },
  exec: { summary: 'run a command with a profile\'s environment', load: () => import('./commands/exec.js') },
  'credential-process': { summary: 'credential_process output for a profile', load: () => import('./commands/credential-process.js') },
  config: { summary: 'profiles for every role in ~/.aws/config', load: () => import('./commands/config.js') },
  service: { summary: 'install|uninstall|status of the systemd/launchd service', load: () => import('./commands/service.js') },
  emulator: { summary: 'run the local IAM Identity Center emulator', load: () => import('./commands/emulator.js') },
  demo: { summary: 'emulator + agent + login in one go', load: () => import('./commands/demo.js') },
  console: { summary: 'open the AWS console for a profile (or print its sign-in URL)', load: () => import('./commands/console.js') },
  session: { summary: 'remove an SSO session and its profiles', load: () => import('./commands/session.js') },
  'eks-token': { summary: 'an EKS token for kubectl (ExecCredential), signed by the agent', load: () => import('./commands/eks-token.js') },
  kubeconfig: { summary: 'add a kubeconfig entry whose user runs eks-token', load: () => import('./commands/kubeconfig.js') },
  completion: { summary: 'bash|zsh|fish completion script', load: () => import('./commands/completion.js') },
  export: { summary: 'print a profile\'s keys for a tool (env, fish, powershell, cmd, dotenv, json, process, ini)', load: () => import('./commands/export.js') },
  prompt: { summary: 'shell prompt segment: profile, session state, time left', load: () => import('./commands/prompt.js') },
  stop: { summary: 'stop the running agent (e.g. one started with serve --background)', load: () => import('./commands/stop.js') },
  grants: { summary: 'list or revoke container and ssh grants', load: () => import('./commands/grants.js') },
  ssh: { summary: 'ssh to a host whose SDKs use the given profiles through this agent', load: () => import('./commands/ssh.js') },
  migrate: { summary: 'move the AWS CLI\'s own SSO profiles to the agent, in place', load: () => import('./commands/migrate.js') },
  // Hidden: what completion scripts call for profile and session names.
  __complete: { summary: '', hidden: true, load: () => import('./commands/complete.js') },
};

function usage(version: string): string {
  const shown = Object.entries(COMMANDS).filter(([, c]) => !c.hidden);
  const width = Math.max(...shown.map(([c]) => c.length));
  const rows = shown.map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    `sso-agent ${version}: an ssh-agent for AWS IAM Identity Center`,
    '',
    'Usage: sso-agent <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    'Run `sso-agent help <command>` (or `sso-agent <command> --help`) for a command\'s options.',
    'Shell completion: `sso-agent completion --help`.',
  ].join('\n');
}

function unknownCommand(name: string): number {
  const near = Object.keys(COMMANDS).filter((c) => !COMMANDS[c]?.hidden).find((c) => editDistance(name, c) <= 2);
  process.stderr.write(`sso-agent: unknown command ${JSON.stringify(name)}${near ? ` (did you mean ${near}?)` : ''}; run \`sso-agent --help\` for the list\n`);
  return EXIT_USAGE;
}

// Read only where it is shown: every other command (credential-process most of all) skips the
// package.json lookup.
const version = async (): Promise<string> => (await import('../version.js')).VERSION;

export async function main(argv: string[]): Promise<number> {
  // `sso-agent help CMD` is `sso-agent CMD --help`.
  if (argv[0] === 'help' && argv[1] !== undefined) {
    if (!COMMANDS[argv[1]] || COMMANDS[argv[1]]?.hidden) return unknownCommand(argv[1]);
    argv = [argv[1], '--help'];
  }
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage(await version()) + '\n');
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(await version() + '\n');
    return EXIT_OK;
  }
  const entry = COMMANDS[name];
  if (!entry) return unknownCommand(name);
  try {
    // Before the daemon's modules load: loading them is the first burst the flags are for.
    if (name === 'serve') (await import('../heap-tuning.js')).tuneHeapForResidency();
    const { command } = await entry.load();
    return await command(rest);
  } catch (err) {
    reportError(err);
    return exitCodeFor(err);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Long-running commands (serve, emulator, demo) resolve only when they are done.
    process.exitCode = code;
  },
  (err: unknown) => {
    reportError(err);
    process.exitCode = exitCodeFor(err);
  },
);
