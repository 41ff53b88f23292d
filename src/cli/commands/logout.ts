import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { BadUsageError } from '../../errors.js';
import type { LogoutReply } from '../../core/admin-api.js';
import { parseCommandArgs, rejectPositionals } from '../args.js';
import type { Command } from '../command.js';

const HELP = `Usage: sso-agent logout [--session NAME | --all]

Calls the portal's Logout API and forgets the session's token and credentials. Without options it
logs out of the only session; with several sessions name one or pass --all.
`;

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('logout', argv, {
    session: { type: 'string', short: 's' },
    all: { type: 'boolean' },
  });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  rejectPositionals('logout', positionals, '--session');
  if (values.all && values.session !== undefined) throw new BadUsageError('pass --session NAME or --all, not both');
  const body = values.all ? { all: true } : values.session !== undefined ? { session: values.session } : {};
  const reply = await adminRequest<LogoutReply>('POST', ADMIN_ROUTES.logout, body, { timeoutMs: 60_000 });
  if (reply.loggedOut.length === 0) process.stdout.write('No sessions to log out of.\n');
  else process.stdout.write(`Logged out of ${reply.loggedOut.join(', ')}.\n`);
  for (const name of reply.portalFailed ?? []) {
    process.stdout.write(`IAM Identity Center did not confirm the sign-out of session ${name}: the agent forgot its token and credentials, `
      + 'but the sign-in stays valid on the server until it expires.\n');
  }
  for (const name of reply.keychainMayRemain ?? []) {
    process.stdout.write(`The keychain did not confirm the deletion of the item aws-sso-agent/${name}: it may remain there. The agent will not restore it, `
      + 'and deletes it as soon as the keychain answers; you can also delete it in your keychain tool.\n');
  }
  return 0;
};
