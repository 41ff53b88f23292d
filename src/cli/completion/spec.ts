/**
 * What completion offers, per command. Kept as data beside the commands (not imported from them:
 * `completion` runs at every shell start and must not load Fastify or the SDK); the completion
 * test checks it against each command's --help so the two cannot drift.
 */

/** Where a value comes from: fixed words, the running agent (sessions, profiles), the commands, files, or free text. */
export type ValueSource = readonly string[] | 'sessions' | 'profiles' | 'commands' | 'files' | 'text';

export interface CommandSpec {
  summary: string;
  /** Flag name (without --) → the values it takes; `null` for a boolean flag. */
  flags: Readonly<Record<string, ValueSource | null>>;
  /** What the words that are not flags are. */
  positional?: ValueSource;
}

const SESSION = { session: 'sessions' } as const;
const PORT = { port: 'text' } as const;

export const COMPLETION_SPEC: Readonly<Record<string, CommandSpec>> = {
  serve: { summary: 'run the agent in the foreground', flags: { ...PORT, socket: 'files', 'sync-interval': 'text', 'log-level': ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], persist: ['keychain'], background: null, 'log-file': 'files', 'notify-command': 'text', 'no-notify': null, 'container-address': 'text', 'callback-port': 'text' } },
  login: { summary: 'log in to an SSO session', flags: { ...SESSION, 'start-url': 'text', region: 'text', 'device-code': null, pkce: null, 'no-browser': null, scopes: 'text', force: null } },
  logout: { summary: 'log out of a session', flags: { ...SESSION, all: null } },
  sync: { summary: 're-list accounts and roles now', flags: { ...SESSION, json: null } },
  status: { summary: 'the agent and each session', flags: { json: null } },
  ls: { summary: 'one row per profile', flags: { json: null, ...SESSION, account: 'text', role: 'text', names: null }, positional: 'profiles' },
  env: { summary: 'environment for a profile', flags: { format: ['sh', 'fish', 'json', 'env-file', 'compose', 'devcontainer'], region: 'text', 'file-only': null, container: null, relative: null, also: 'profiles', ttl: 'text', label: 'text', out: 'files', unset: null }, positional: 'profiles' },
  exec: { summary: 'run a command with a profile', flags: { region: 'text' }, positional: 'profiles' },
  'credential-process': { summary: 'credential_process output for a profile', flags: {}, positional: 'profiles' },
  config: { summary: 'profiles for every role in ~/.aws/config', flags: { write: null, 'dry-run': null, 'config-file': 'files', format: ['credential_process', 'sso-session'], template: 'text', region: 'text' } },
  service: { summary: 'the systemd/launchd service', flags: { 'dry-run': null, ...PORT, json: null, manager: ['systemd', 'launchd'], persist: ['keychain'], 'container-address': 'text' }, positional: ['install', 'uninstall', 'status'] },
  emulator: {
    summary: 'run the local IAM Identity Center emulator',
    flags: {
      ...PORT, host: 'text', accounts: 'text', 'roles-per-account': 'text', 'auto-approve': null, 'token-ttl': 'text', 'refresh-token-ttl': 'text',
      'credentials-ttl': 'text', 'device-interval': 'text', 'device-expires-in': 'text', 'latency-ms': 'text', 'rate-limit': 'text',
      'fail-rate': 'text', 'start-url': 'text', region: 'text', log: null,
    },
  },
  demo: { summary: 'emulator + agent + login in one go', flags: { ...PORT, accounts: 'text', 'roles-per-account': 'text' } },
  console: { summary: 'the AWS console for a profile', flags: { print: null, region: 'text', destination: 'text', duration: 'text' }, positional: 'profiles' },
  session: { summary: 'remove an SSO session and its profiles', flags: {}, positional: ['remove'] },
  'eks-token': { summary: 'an EKS token for kubectl', flags: { 'cluster-name': 'text', region: 'text', 'api-version': ['v1', 'v1beta1'] }, positional: 'profiles' },
  kubeconfig: { summary: 'a kubeconfig entry that runs eks-token', flags: { 'cluster-name': 'text', endpoint: 'text', 'ca-file': 'files', 'ca-data': 'text', region: 'text', context: 'text', kubeconfig: 'files', 'dry-run': null }, positional: 'profiles' },
  completion: { summary: 'shell completion script', flags: {}, positional: ['bash', 'zsh', 'fish'] },
  help: { summary: 'help for a command', flags: {}, positional: 'commands' },
  export: { summary: 'a profile\'s keys for a tool', flags: { format: ['env', 'fish', 'powershell', 'cmd', 'dotenv', 'json', 'process', 'ini'], force: null }, positional: 'profiles' },
  prompt: { summary: 'shell prompt segment', flags: { init: ['bash', 'zsh', 'fish'] } },
  stop: { summary: 'stop the running agent', flags: { socket: 'files' } },
  grants: { summary: 'list or revoke grants', flags: { json: null }, positional: ['revoke'] },
  ssh: { summary: 'ssh with profiles forwarded', flags: { 'remote-port': 'text', region: 'text' }, positional: 'profiles' },
  migrate: { summary: 'move the AWS CLI\'s SSO profiles to the agent', flags: { write: null, 'config-file': 'files' } },
};

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];
