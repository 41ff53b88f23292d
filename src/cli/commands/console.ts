import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { BadUsageError } from '../../errors.js';
import type { ConsoleReply } from '../../core/admin-api.js';
import { parseCommandArgs, parseDuration } from '../args.js';
import type { Command } from '../command.js';
import { getSigninToken } from '../console/federation.js';
import { canOpenBrowser, detectContainer } from '../browser.js';
import { openUrl, waitForLauncher } from '../open-url.js';
import { checkDestination, consoleHome, federationEndpoint, loginUrl, sessionDuration } from '../console/signin-url.js';
import { isRegion } from '../../core/aws-names.js';

const HELP = `Usage: sso-agent console PROFILE [--print] [--region R] [--destination URL] [--duration D]

Signs in to the AWS Management Console as PROFILE's role (a name from \`sso-agent ls\`,
ACCOUNT_ID:ROLE_NAME or a role ARN) through the AWS federation endpoint, and opens it in the
browser ($BROWSER is honoured).

Options:
  --print            print the sign-in URL instead of opening it (it works once, within 15 minutes,
                     and signs in whoever opens it: treat it as a secret)
  --region R         the console's region (default: the SSO session's region)
  --destination URL  the console page to land on (default: the console home in that region)
  --duration D       how long the console session lasts, 15m to 12h (default: as long as the
                     role's credentials); not for chained profiles, whose sessions AWS caps at 1 h

The endpoint is signin.aws.amazon.com, signin.amazonaws-us-gov.com or signin.amazonaws.cn after the
region's partition; SSO_AGENT_FEDERATION_URL overrides it.
`;

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('console', argv, {
    print: { type: 'boolean' },
    region: { type: 'string' },
    destination: { type: 'string' },
    duration: { type: 'string' },
  });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [profile, extra] = positionals;
  if (profile === undefined || extra !== undefined) {
    throw new BadUsageError('console takes exactly one PROFILE; see `sso-agent console --help`');
  }
  if (values.region !== undefined && !isRegion(values.region)) {
    throw new BadUsageError(`--region takes an AWS region such as eu-west-1, not ${JSON.stringify(values.region)}`);
  }
  const destinationFlag = values.destination === undefined ? undefined : checkDestination(values.destination);
  const requestedMs = values.duration === undefined ? undefined : parseDuration(values.duration, '--duration');

  const reply = await adminRequest<ConsoleReply>('GET', ADMIN_ROUTES.console(profile), undefined, { timeoutMs: 30_000 });
  const durationS = sessionDuration(requestedMs, reply.chained);
  const region = values.region ?? reply.region;
  if (region === undefined) throw new BadUsageError(`profile ${reply.profile} has no region: pass --region R`);

  const endpoint = federationEndpoint(region, process.env.SSO_AGENT_FEDERATION_URL);
  const signinToken = await getSigninToken(endpoint, reply, durationS);
  const url = loginUrl({
    endpoint,
    signinToken,
    destination: destinationFlag ?? consoleHome(region),
    issuer: reply.startUrl ?? consoleHome(region),
  });

  if (values.print) {
    process.stdout.write(url + '\n');
    return 0;
  }
  // Without a display (SSH, a container) `open` "succeeds" with nothing on screen: print the URL.
  const where = process.env.BROWSER ? { canOpen: true as const } : canOpenBrowser({ env: process.env, platform: process.platform, inContainer: await detectContainer() });
  if (!where.canOpen) {
    process.stderr.write(`No browser here (${where.reason}); open this sign-in URL yourself (one use, 15 minutes; a secret):\n`);
    process.stdout.write(url + '\n');
    return 0;
  }
  const opened = await openUrl(url).then((child) => waitForLauncher(child), () => false);
  if (!opened) {
    process.stderr.write('Could not open a browser; open this sign-in URL yourself (one use, 15 minutes; a secret):\n');
    process.stdout.write(url + '\n');
    return 0;
  }
  process.stderr.write(`Opening the AWS console for ${reply.profile} (${reply.roleArn}) in the browser.\n`);
  return 0;
};
