import type { Logger, DestinationStream, Level } from 'pino';
import { pino } from 'pino';

/**
 * Every path that can carry a secret, wherever it sits in a log object. pino's redact works on
 * paths, so we list the field names at the depths where they occur; the log-leak test proves it.
 */
const SECRET_FIELDS = [
  'accessToken', 'refreshToken', 'clientSecret', 'deviceCode', 'code', 'codeVerifier',
  'secretAccessKey', 'sessionToken', 'SecretAccessKey', 'SessionToken', 'Token', 'token',
  'authorization', 'Authorization', 'x-amz-sso_bearer_token', 'password', 'key',
];

export const REDACT_PATHS: string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
  'req.headers.authorization',
  'req.headers["x-amz-sso_bearer_token"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export interface LoggerOptions {
  level?: Level | 'silent';
  /** Defaults to stdout: JSON lines for journald and launchd. */
  stream?: DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Query strings can carry OAuth codes and states: log the path only.
      serializers: {
        req: (req: { method?: string; url?: string }) => ({ method: req.method, path: (req.url ?? '').split('?')[0] }),
      },
    },
    opts.stream ?? pino.destination({ fd: 1, sync: false }),
  );
}

export type { Logger };
