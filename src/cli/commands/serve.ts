import type { Level } from 'pino';
import { UsageError } from '../../errors.js';
import { DEFAULT_PORT } from '../../paths.js';
import { startDaemon } from '../../server/daemon.js';
import { inheritedListenFd } from '../../server/socket-activation.js';
import { parseCommandArgs, rejectPositionals, parseDurationAtLeast, parseIntFlag } from '../args.js';
import type { Command } from '../command.js';
import { routeWarningsToLog } from '../../process-warnings.js';
import { parseContainerAddress } from '../parse-container-address.js';

const HELP = `Usage: sso-agent serve [--port N] [--socket PATH] [--sync-interval DURATION] [--log-level L] [--persist keychain]
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
  if (!(LEVELS as readonly string[]).includes(level)) throw new UsageError(`--log-level takes one of ${LEVELS.join(', ')}, not ${JSON.stringify(level)}`);
  const opts: Parameters<typeof startDaemon>[0] = { port, logLevel: level as Level | 'silent' };
  if (values.socket !== undefined) opts.socket = values.socket;
  if (values['sync-interval'] !== undefined) opts.syncIntervalMs = parseDurationAtLeast(values['sync-interval'], '--sync-interval', MIN_SYNC_INTERVAL_MS);
  const listenFd = inheritedListenFd(process.env);
  if (listenFd !== undefined) opts.listenFd = listenFd;
  if (values.persist !== undefined) {
    if (values.persist !== 'keychain') throw new UsageError(`--persist takes keychain, not ${JSON.stringify(values.persist)} (without --persist sessions live in memory only)`);
    opts.persist = 'keychain';
  }

  const containerAddresses = values['container-address'] ?? (process.env.SSO_AGENT_CONTAINER_ADDRESS || undefined)?.split(',');
  if (containerAddresses !== undefined) opts.containerAddresses = containerAddresses.map((a) => parseContainerAddress(a.trim()));

  const callbackPort = parseIntFlag(values['callback-port'] ?? process.env.SSO_AGENT_CALLBACK_PORT, values['callback-port'] !== undefined ? '--callback-port' : 'SSO_AGENT_CALLBACK_PORT', 1, 65535);
  if (callbackPort !== undefined) opts.callbackPort = callbackPort;

  const daemon = await startDaemon(opts);
  routeWarningsToLog(daemon.logger);
  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      daemon.logger.info({ signal }, 'signal received');
      setTimeout(() => process.exit(0), HARD_EXIT_MS).unref();
      daemon.close().then(() => {
        daemon.logger.flush();
        // Anything still holding the loop open (a stuck client, a timer) must not delay the exit.
        setTimeout(() => process.exit(0), 200).unref();
        resolve(0);
      }, () => resolve(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // As daemons do: SIGHUP re-reads the configuration instead of ending the process.
    process.on('SIGHUP', () => {
      daemon.logger.info({ signal: 'SIGHUP' }, 'signal received');
      void daemon.reload();
    });
  });
};
