import type { Level } from 'pino';
import { BadUsageError } from '../../errors.js';
import { inheritedListenFd, startDaemon } from '../../daemon.js';
import { parseCommandArgs, rejectPositionals, parseDurationAtLeast, parseIntFlag } from '../args.js';
import type { Command } from '../command.js';
import { routeWarningsToLog } from '../../process-warnings.js';
import { DEFAULT_PORT, socketPath, stateDir } from '../../paths.js';
import { rotatingLog, type RotatingLog } from '../../rotating-log.js';
import { startBackground } from '../background/start-background.js';
import { openUrl } from '../open-url.js';
import { parseContainerAddress } from '../parse-container-address.js';

/** `serve --background`: the same serve, detached; this process returns once it answers. */
async function background(argv: string[], socket: string | undefined): Promise<number> {
  const args = argv.filter((a) => a !== '--background');
  if (args.some((a) => a === '--log-file' || a.startsWith('--log-file='))) throw new BadUsageError('--background logs to the state dir; leave out --log-file');
  const started = await startBackground({ args, socket: socket ?? socketPath(), stateDir: stateDir(), env: process.env });
  process.stdout.write(`sso-agent is running in the background (pid ${started.pid}); log: ${started.logFile}\nStop it with \`sso-agent stop\`.\n`);
  return 0;
}

const HELP = `Usage: sso-agent serve [--port N] [--socket PATH] [--sync-interval DURATION] [--log-level L] [--persist keychain]
                       [--background] [--log-file FILE] [--notify-command CMD] [--no-notify]
                       [--container-address ADDR[:PORT]] [--callback-port N]

Runs the agent in the foreground (what systemd and launchd start). Logs JSON lines on stdout;
when ready it logs {"msg":"listening","port":…,"socket":…}. SIGTERM or Ctrl-C stops it; SIGHUP
re-reads the sessions from the AWS config. Started by systemd with a socket (sso-agent.socket,
LISTEN_FDS), it serves on that socket instead of binding --port.

Options:
  --port N                 TCP port on 127.0.0.1 (default $SSO_AGENT_PORT or ${DEFAULT_PORT}; 0 picks a free one)
  --socket PATH            admin socket (default $SSO_AGENT_SOCK or $XDG_RUNTIME_DIR/sso-agent/agent.sock)
  --sync-interval DURATION how often accounts and roles are re-listed (default 8h, at least 1m)
  --log-level L            fatal, error, warn, info (default), debug, trace or silent
  --persist keychain       keep each session's sign-in (refresh token, client registration) in the
                           OS keychain, so a restart or reboot needs no new login; a locked or
                           missing keychain is reported and the agent runs memory-only
  --background             for machines without systemd or launchd (WSL, containers): start the
                           agent detached, logging to ${'$'}XDG_STATE_HOME/sso-agent/agent.log (rotated),
                           and return once it answers; \`sso-agent stop\` ends it
  --log-file FILE          log to FILE instead of stdout (rotated at 5 MB, 3 old files kept)
  --notify-command CMD     run CMD "TITLE" "TEXT" for desktop notices instead of notify-send
                           (Linux) or osascript (macOS); /bin/sh runs CMD, so it may carry its
                           own arguments (quote a path with spaces)
  --no-notify              no desktop notices (SSO_AGENT_NOTIFY=off does the same)

Desktop notices: when a session needs a login (the sign-in ended, or a tool asked for one that
needs it) and 15 minutes before a sign-in ends where AWS says when, once per session per hour
however many tools ask. Linux: notify-send, only in a desktop session (D-Bus and a display);
clicking it starts the login in the browser. macOS: osascript.
  --container-address ADDR[:PORT]
                           also listen on ADDR (same port, unless :PORT) for containers, e.g.
                           169.254.170.2 on a Docker network; bound whenever the address exists,
                           also when it appears later. Only container grants work there
                           (\`sso-agent env PROFILE --container\`). Repeatable; default
                           $SSO_AGENT_CONTAINER_ADDRESS (comma-separated). 169.254.170.2:80 also
                           serves SDKs that know only the ECS endpoint (RELATIVE_URI)
  --callback-port N        the port the browser login's redirect names (default: --port), for
                           logging in to an agent on a remote host through \`ssh -L N:127.0.0.1:PORT\`
                           when N locally is not PORT. Default $SSO_AGENT_CALLBACK_PORT
`;

/** Each sync lists every account: more often than once a minute only burns the portal's rate limit. */
const MIN_SYNC_INTERVAL_MS = 60_000;

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The contract: a clean exit within 2 s of SIGTERM even if something refuses to close. */
const HARD_EXIT_MS = 1800;

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('serve', argv, {
    port: { type: 'string' },
    socket: { type: 'string' },
    'sync-interval': { type: 'string' },
    'log-level': { type: 'string' },
    persist: { type: 'string' },
    background: { type: 'boolean' },
    'log-file': { type: 'string' },
    'notify-command': { type: 'string' },
    'no-notify': { type: 'boolean' },
    'container-address': { type: 'string', multiple: true },
    'callback-port': { type: 'string' },
  });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  rejectPositionals('serve', positionals);
  const port = parseIntFlag(values.port ?? process.env.SSO_AGENT_PORT, values.port !== undefined ? '--port' : 'SSO_AGENT_PORT', 0, 65535) ?? DEFAULT_PORT;
  const level = values['log-level'] ?? 'info';
  if (!(LEVELS as readonly string[]).includes(level)) throw new BadUsageError(`--log-level takes one of ${LEVELS.join(', ')}, not ${JSON.stringify(level)}`);
  const opts: Parameters<typeof startDaemon>[0] = { port, logLevel: level as Level | 'silent' };
  if (values.socket !== undefined) opts.socket = values.socket;
  if (values['sync-interval'] !== undefined) opts.syncIntervalMs = parseDurationAtLeast(values['sync-interval'], '--sync-interval', MIN_SYNC_INTERVAL_MS);
  const listenFd = inheritedListenFd(process.env);
  if (listenFd !== undefined) opts.listenFd = listenFd;
  if (values.persist !== undefined) {
    if (values.persist !== 'keychain') throw new BadUsageError(`--persist takes keychain, not ${JSON.stringify(values.persist)} (without --persist sessions live in memory only)`);
    opts.persist = 'keychain';
  }

  const containerAddresses = values['container-address'] ?? (process.env.SSO_AGENT_CONTAINER_ADDRESS || undefined)?.split(',');
  if (containerAddresses !== undefined) opts.containerAddresses = containerAddresses.map((a) => parseContainerAddress(a.trim()));

  const callbackPort = parseIntFlag(values['callback-port'] ?? process.env.SSO_AGENT_CALLBACK_PORT, values['callback-port'] !== undefined ? '--callback-port' : 'SSO_AGENT_CALLBACK_PORT', 1, 65535);
  if (callbackPort !== undefined) opts.callbackPort = callbackPort;

  if (values['notify-command'] !== undefined && values['notify-command'].trim() === '') throw new BadUsageError('--notify-command needs a command, e.g. --notify-command "my-notifier --urgent"');
  if (values['notify-command'] !== undefined || values['no-notify']) {
    opts.notify = { ...(values['notify-command'] ? { command: values['notify-command'] } : {}), ...(values['no-notify'] ? { off: true } : {}) };
  }
  if (values.background) return background(argv, values.socket);
  let log: RotatingLog | undefined;
  if (values['log-file'] !== undefined) {
    log = rotatingLog(values['log-file']);
    opts.logStream = log;
  }
  opts.openUrl = (url) => {
    void openUrl(url).then((b) => b.once('error', () => {}), () => {});
  };
  let stopNow: (signal: NodeJS.Signals | 'stop') => void = () => {};
  opts.onStopRequested = () => stopNow('stop');

  const daemon = await startDaemon(opts);
  routeWarningsToLog(daemon.logger);
  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals | 'stop') => {
      daemon.logger.info({ signal }, signal === 'stop' ? 'stopping' : 'signal received');
      setTimeout(() => process.exit(0), HARD_EXIT_MS).unref();
      daemon.close().then(() => {
        daemon.logger.flush();
        log?.close();
        // Anything still holding the loop open (a stuck client, a timer) must not delay the exit.
        setTimeout(() => process.exit(0), 200).unref();
        resolve(0);
      }, () => resolve(0));
    };
    stopNow = stop;
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // As daemons do: SIGHUP re-reads the configuration instead of ending the process.
    process.on('SIGHUP', () => {
      daemon.logger.info({ signal: 'SIGHUP' }, 'signal received');
      void daemon.reload();
    });
  });
};
