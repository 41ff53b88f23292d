import { BadUsageError } from '../../errors.js';
import { parseCommandArgs, parseDuration, parseIntFlag } from '../args.js';
import type { Command } from '../command.js';
import { isRegion } from '../../core/aws-names.js';

const HELP = `Usage: sso-agent emulator [options]

Runs a local, wire-accurate IAM Identity Center for tests and demos: SSO OIDC, the SSO portal
API and STS GetCallerIdentity on one http://127.0.0.1 origin. When ready it prints one JSON line
with "url", "startUrl" and "region"; point AWS_ENDPOINT_URL_SSO_OIDC and AWS_ENDPOINT_URL_SSO
(and an STS client's endpoint) at the url. Ctrl-C or SIGTERM stops it.

Options:
  --port N                  TCP port on 127.0.0.1 (default 0: a free port)
  --host ADDR               listen on ADDR instead of 127.0.0.1 (an address of a test's network namespace)
  --accounts N              accounts in the fake organisation (default 3)
  --roles-per-account N     roles (permission sets) per account (default 2)
  --auto-approve            approve device-code and PKCE sign-ins at once, no browser needed
  --token-ttl DURATION      access-token lifetime (default 8h, or 1h for sso:account:access clients)
  --refresh-token-ttl DUR   sign-in session length, after which refresh tokens stop (default 8h)
  --credentials-ttl DUR     role-credential lifetime (default 1h)
  --device-interval DUR     device-code polling interval, whole seconds (default 1s; 0 = no wait)
  --device-expires-in DUR   device-code lifetime (default 10m)
  --latency-ms N            delay every AWS call by N milliseconds
  --rate-limit N            portal calls per second before 429 TooManyRequestsException (0: none)
  --fail-rate X             share 0..1 of portal and OIDC calls answered with 500
  --start-url URL           the start URL sign-ins must use (default https://d-9067230519.awsapps.com/start)
  --region REGION           the region reported (default us-east-1)
  --log                     log every request (JSON lines on stdout)

Durations: 90, 90s, 30m, 8h, 1d (plain numbers are seconds).
Control routes for tests: POST /_emulator/approve {"userCode"}, /deny, /faults, /expire,
/assignments, /stats/reset; GET /_emulator/stats, /secrets, /org.
STS AssumeRole may target OrganizationAccountAccessRole in any of its accounts, and roles added
with POST /_emulator/roles {"add": [{"accountId", "roleName", "externalId"?, "deny"?}], "remove": […]}.
`;

function seconds(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text, flag);
  if (ms < 1000) throw new BadUsageError(`${flag} must be at least 1s, not ${JSON.stringify(text)}`);
  return ms / 1000;
}

function number(text: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new BadUsageError(`${flag} takes a number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  }
  return n;
}

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('emulator', argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    accounts: { type: 'string' },
    'roles-per-account': { type: 'string' },
    'auto-approve': { type: 'boolean' },
    'token-ttl': { type: 'string' },
    'refresh-token-ttl': { type: 'string' },
    'credentials-ttl': { type: 'string' },
    'device-interval': { type: 'string' },
    'device-expires-in': { type: 'string' },
    'latency-ms': { type: 'string' },
    'rate-limit': { type: 'string' },
    'fail-rate': { type: 'string' },
    'start-url': { type: 'string' },
    region: { type: 'string' },
    log: { type: 'boolean' },
  });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new BadUsageError(`unexpected argument ${JSON.stringify(positionals[0])}; see \`sso-agent emulator --help\``);
  const startUrl = values['start-url'];
  if (startUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(startUrl)) {
    throw new BadUsageError(`--start-url takes a URL such as https://d-1234567890.awsapps.com/start, not ${JSON.stringify(startUrl)}`);
  }
  const region = values.region;
  if (region !== undefined && !isRegion(region)) {
    throw new BadUsageError(`--region takes a region name such as us-east-1, not ${JSON.stringify(region)}`);
  }
  // `interval` is an integer number of seconds on the wire; 0 lets tests poll without waiting.
  const deviceInterval = values['device-interval'] === undefined ? undefined : parseDuration(values['device-interval'], '--device-interval') / 1000;
  if (deviceInterval !== undefined && !Number.isInteger(deviceInterval)) {
    throw new BadUsageError(`--device-interval takes whole seconds (0, 1, 5s, ...), not ${JSON.stringify(values['device-interval'])}`);
  }

  const opts = {
    port: parseIntFlag(values.port, '--port', 0, 65535),
    ...(values.host !== undefined ? { host: values.host } : {}),
    accounts: parseIntFlag(values.accounts, '--accounts', 0, 10_000),
    rolesPerAccount: parseIntFlag(values['roles-per-account'], '--roles-per-account', 0, 1000),
    autoApprove: values['auto-approve'] ?? false,
    tokenTtl: seconds(values['token-ttl'], '--token-ttl'),
    refreshTokenTtl: seconds(values['refresh-token-ttl'], '--refresh-token-ttl'),
    credentialsTtl: seconds(values['credentials-ttl'], '--credentials-ttl'),
    deviceInterval,
    deviceExpiresIn: seconds(values['device-expires-in'], '--device-expires-in'),
    latencyMs: number(values['latency-ms'], '--latency-ms', 0, 600_000),
    rateLimit: number(values['rate-limit'], '--rate-limit', 0, 1_000_000),
    failRate: number(values['fail-rate'], '--fail-rate', 0, 1),
    startUrl,
    region,
    logger: values.log ?? false,
  };

  // Loaded here so `--help` and usage errors stay fast.
  const { startEmulator } = await import('../../emulator/index.js');
  let running;
  try {
    running = await startEmulator(opts);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new BadUsageError(`port ${opts.port} is in use; pick another with --port, or --port 0 for a free one`);
    throw err;
  }
  // Signal handlers go in before the ready line: a supervisor may signal as soon as it reads it.
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const port = Number(new URL(running.url).port);
  process.stdout.write(JSON.stringify({ msg: 'emulator listening', url: running.url, startUrl: running.startUrl, region: running.region, port }) + '\n');
  await stopped;
  await running.close();
  return 0;
};
