import { ADMIN_ROUTES, type SessionRemoveBody, type SessionRemoveReply } from '../../core/admin-api.js';
import { BadUsageError } from '../../errors.js';
import { adminRequest } from '../admin-client.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

const HELP = `Usage: sso-agent session remove NAME

Removes an SSO session from the agent: logs it out (the portal's Logout call), forgets its token
and credentials, drops its profiles from \`ls\` (their names become free), and deletes it from the
agent's settings. Profiles that \`sso-agent config --write\` wrote for it stay in ~/.aws/config until
you run \`sso-agent config --write\` again.

A session from an [sso-session NAME] section of ~/.aws/config (or $AWS_CONFIG_FILE) is not
removed: the agent never edits that file, and the AWS CLI reads the section too. Delete the section
yourself, then run \`sso-agent session remove NAME\` (or restart the agent) to drop it.
`;

export const command: Command = async (argv) => {
  const { positionals, help } = parseCommandArgs('session', argv, {});
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [action, name, ...extra] = positionals;
  if (action !== 'remove') {
    throw new BadUsageError(`${action === undefined ? 'session needs an action' : `unknown session action ${JSON.stringify(action)}`}: use \`sso-agent session remove NAME\``);
  }
  if (name === undefined || extra.length) throw new BadUsageError('session remove takes exactly one session NAME (see `sso-agent status`)');
  const body: SessionRemoveBody = { session: name };
  const reply = await adminRequest<SessionRemoveReply>('POST', ADMIN_ROUTES.sessionRemove, body, { timeoutMs: 60_000 });
  process.stdout.write(`Removed session ${reply.session} and its ${reply.removedProfiles} profile${reply.removedProfiles === 1 ? '' : 's'}.\n`);
  return 0;
};
