/**
 * The kubectl exec plugin: prints the ExecCredential the agent signs. Where the agent runs and
 * curl exists, kubeconfig entries call bin/sso-agent-eks-token.sh instead, which asks the same
 * route without starting Node; this entry is its fallback and prints the same bytes.
 */
import { ADMIN_ROUTES, EKS_TOKEN_ENV, adminRequest } from '../admin-client.js';
import { parseExecApiVersion, renderExecCredential, type ExecCredential } from '../../core/admin-api.js';
import { BadUsageError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

const HELP = `Usage: sso-agent eks-token --cluster-name NAME [--region R] [--api-version v1|v1beta1] PROFILE

Prints the ExecCredential kubectl reads from an exec plugin: a token for the EKS cluster NAME,
signed by the agent with PROFILE's credentials (a name from \`sso-agent ls\`, ACCOUNT_ID:ROLE_NAME,
a role ARN or a chained profile), as \`aws eks get-token\` prints it. It is good for 15 minutes;
expirationTimestamp says 14, so kubectl asks again in time. \`sso-agent kubeconfig\` writes the
kubeconfig entry that runs it.

Options:
  --cluster-name NAME  the cluster's name (signed into the token as x-k8s-aws-id)
  --region R           the region of the STS endpoint that will check the token (default:
                       AWS_REGION, AWS_DEFAULT_REGION, else the profile's region)
  --api-version V      v1 or v1beta1 (default: what kubectl announces in KUBERNETES_EXEC_INFO,
                       else v1beta1)

AWS_ENDPOINT_URL_STS (else AWS_ENDPOINT_URL) replaces the regional STS endpoint the token names.
The token is a secret for 15 minutes: do not paste it anywhere.
`;

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('eks-token', argv, {
    'cluster-name': { type: 'string' },
    region: { type: 'string' },
    'api-version': { type: 'string' },
  });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [profile, extra] = positionals;
  if (profile === undefined || extra !== undefined) {
    throw new BadUsageError('eks-token takes exactly one PROFILE; see `sso-agent eks-token --help`');
  }
  if (values['cluster-name'] === undefined || values['cluster-name'] === '') {
    throw new BadUsageError('eks-token needs --cluster-name NAME (the EKS cluster the token is for)');
  }
  const apiVersion = values['api-version'];
  if (apiVersion !== undefined && parseExecApiVersion(apiVersion) === undefined) {
    throw new BadUsageError(`--api-version takes v1 or v1beta1, not ${JSON.stringify(apiVersion)}`);
  }
  const query = new URLSearchParams({ profile, cluster: values['cluster-name'] });
  if (values.region !== undefined) query.set('region', values.region);
  if (apiVersion !== undefined) query.set('apiVersion', apiVersion);
  for (const name of EKS_TOKEN_ENV) {
    const v = process.env[name];
    if (v !== undefined && v !== '') query.set(name, v);
  }
  const reply = await adminRequest<ExecCredential>('GET', `${ADMIN_ROUTES.eksToken}?${query.toString()}`, undefined, { timeoutMs: 30_000 });
  process.stdout.write(renderExecCredential(reply));
  return 0;
};
