import { randomInt } from 'node:crypto';
import type { GrantReply, GrantRequest } from '../../core/admin-api.js';
import { BadUsageError } from '../../errors.js';
import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { parseCommandArgs, parseIntFlag } from '../args.js';
import type { Command } from '../command.js';
import { chooseRegion } from '../env-lines.js';
import { EXIT_OK, EXIT_USAGE } from '../exit.js';
import { runChild } from '../run-child.js';
import { TOKEN_VAR, remoteCommand } from '../ssh/remote-command.js';
import { splitSshArgs } from '../ssh/ssh-args.js';

const HELP = `Usage: sso-agent ssh PROFILE [PROFILE…] [--remote-port N] [--region R] -- SSH_ARGS…

Runs ssh so that the remote command or login shell uses PROFILE (the first; the others through
$SSO_AGENT_CREDENTIALS_URL) via this agent, renewed live, with nothing installed there: a remote
forward of a loopback port to the agent (-R, with ExitOnForwardFailure=yes) and the container
variables in the remote environment. The remote gets a grant of its own, for those profiles only,
which ends when ssh exits (\`sso-agent grants\` lists it), never a host token. The token travels in
${TOKEN_VAR} (SendEnv; sshd accepts LC_* by default) and is never on a command line.

  --remote-port N   the remote end's loopback port (default: a random one from 20000-59999). If
                    another user holds it there, ssh stops with "remote port forwarding failed"
                    and nothing connects to theirs: run again for another port
  --region R        AWS_REGION there (default: the first profile's session region)

  sso-agent ssh prod-admin -- dev-box
  sso-agent ssh prod-admin staging-ro -- -p 2222 me@bastion 'aws s3 ls'
`;

/** Unprivileged, below the usual ephemeral range, so a squatter has no reason to be there. */
const REMOTE_PORTS = [20000, 60000] as const;

export const command: Command = async (argv) => {
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  if (own.includes('--help') || own.includes('-h') || argv.length === 0) {
    process.stdout.write(HELP);
    return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  if (dash < 0) throw new BadUsageError('sso-agent ssh needs `--` before the ssh arguments: `sso-agent ssh PROFILE -- user@host`');
  const { values, positionals } = parseCommandArgs('ssh', own, { 'remote-port': { type: 'string' }, region: { type: 'string' } });
  if (positionals.length === 0) throw new BadUsageError('sso-agent ssh takes at least one PROFILE before `--`; list them with `sso-agent ls`');
  const call = splitSshArgs(argv.slice(dash + 1));
  const remotePort = parseIntFlag(values['remote-port'], '--remote-port', 1024, 65535) ?? randomInt(REMOTE_PORTS[0], REMOTE_PORTS[1]);

  const request: GrantRequest = { kind: 'remote', profiles: positionals, remotePort, label: `ssh ${call.destination}` };
  const grant = await adminRequest<GrantReply>('POST', ADMIN_ROUTES.grants, request);
  const id = grant.grant.id;
  // Held for ssh's life: if this process dies, the connection closes and the agent ends the grant.
  const hold = new AbortController();
  const held = adminRequest('POST', ADMIN_ROUTES.grantHold, { id }, { signal: hold.signal }).catch(() => undefined);
  try {
    const region = chooseRegion(values.region, process.env, grant.region);
    const tty = call.tty === 'default' && call.command.length === 0 && process.stdin.isTTY ? ['-t'] : [];
    const args = [
      '-o', 'ExitOnForwardFailure=yes',
      '-R', `127.0.0.1:${remotePort}:127.0.0.1:${grant.listenerPort as number}`,
      '-o', `SendEnv=${TOKEN_VAR}`,
      ...tty, ...call.options, '--', call.destination,
      remoteCommand({ uris: grant.uris, region }, call.command),
    ];
    const code = await runChild('ssh', args, { ...process.env, [TOKEN_VAR]: grant.token });
    if (code === 255) {
      process.stderr.write(`sso-agent: ssh failed; if it said "remote port forwarding failed", port ${remotePort} is taken on the remote host (perhaps by another user): run again for another port, or pass --remote-port\n`);
    }
    return code;
  } finally {
    await adminRequest('POST', ADMIN_ROUTES.grantRevoke, { id }).catch(() => undefined);
    hold.abort();
    await held;
  }
};
