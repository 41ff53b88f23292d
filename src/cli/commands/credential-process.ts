/**
 * On the hot path of every `aws` CLI call that uses a credential_process profile: imports only
 * node:http (through admin-client) and the error catalog. No Fastify, no AWS SDK.
 */
import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { BadUsageError } from '../../errors.js';
import type { Command } from '../command.js';

const HELP = `Usage: sso-agent credential-process PROFILE

Prints the credential_process JSON for PROFILE (a name from \`sso-agent ls\`, ACCOUNT_ID:ROLE_NAME
or a role ARN). For ~/.aws/config:  credential_process = sso-agent credential-process PROFILE
Errors go to stderr with exit status 1.
`;

export const command: Command = async (argv) => {
  if (argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (argv.length !== 1 || argv[0] === undefined || argv[0].startsWith('-')) {
    throw new BadUsageError('credential-process takes exactly one PROFILE; see `sso-agent credential-process --help`');
  }
  const out = await adminRequest<unknown>('GET', ADMIN_ROUTES.process(argv[0]), undefined, { timeoutMs: 30_000 });
  process.stdout.write(JSON.stringify(out) + '\n');
  return 0;
};
