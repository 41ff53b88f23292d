import { readFile } from 'node:fs/promises';
import { ConfigFileError, BadUsageError } from '../../errors.js';
import { isRegion } from '../../core/aws-names.js';
import { parseCommandArgs } from '../args.js';
import { atomicWrite, checkConfigTarget } from '../aws-config/atomic-write.js';
import type { Command } from '../command.js';
import { defaultExecParts, execStanza } from '../kube/exec-stanza.js';
import { kubeconfigPath } from '../kube/kubeconfig-path.js';
import { KubeconfigPlanError, entryName, planKubeconfig } from '../kube/plan-kubeconfig.js';
import { readCaData } from '../kube/read-ca.js';

const HELP = `Usage: sso-agent kubeconfig --cluster-name NAME --endpoint URL (--ca-file F | --ca-data B64) [options] PROFILE

Adds an EKS cluster to your kubeconfig, with a user whose exec plugin is \`sso-agent eks-token\`
for PROFILE, and makes its context the current one (as \`aws eks update-kubeconfig\` does). Only
the entries named sso-agent/PROFILE/NAME (and the context) are added or replaced: every other
cluster, user, context and comment stays. The write is atomic; the previous file is kept as
FILE.bak. Where curl exists the plugin is a small shell client that asks the running agent
without starting Node (kubectl runs it for every command).

Options:
  --cluster-name NAME  the EKS cluster's name (what the token is signed for)
  --endpoint URL       the cluster's API server (https://….eks.amazonaws.com)
  --ca-file F          the cluster's CA bundle, a PEM file
  --ca-data B64        or the same base64-encoded (certificateAuthority.data)
  --region R           the cluster's region (default: read from an EKS endpoint's host name,
                       else decided by eks-token at each run)
  --context NAME       the context's name (default: sso-agent/PROFILE/NAME)
  --kubeconfig PATH    the file (default: the first of $KUBECONFIG, else ~/.kube/config)
  --dry-run            print the file as it would be written; change nothing
`;

/** `https://ABCD.gr7.eu-west-1.eks.amazonaws.com` → eu-west-1. */
function regionOfEndpoint(url: URL): string | undefined {
  const m = /\.([a-z]{2,4}(?:-[a-z]+)+-\d+)\.eks\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname);
  return m?.[1];
}

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('kubeconfig', argv, {
    'cluster-name': { type: 'string' },
    endpoint: { type: 'string' },
    'ca-file': { type: 'string' },
    'ca-data': { type: 'string' },
    region: { type: 'string' },
    context: { type: 'string' },
    kubeconfig: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [profile, extra] = positionals;
  if (profile === undefined || extra !== undefined) throw new BadUsageError('kubeconfig takes exactly one PROFILE; see `sso-agent kubeconfig --help`');
  const cluster = values['cluster-name'];
  if (!cluster) throw new BadUsageError('kubeconfig needs --cluster-name NAME (the EKS cluster)');
  if (!values.endpoint) throw new BadUsageError('kubeconfig needs --endpoint URL (the cluster\'s API server, https://…)');
  let endpoint: URL;
  try {
    endpoint = new URL(values.endpoint);
  } catch {
    throw new BadUsageError(`--endpoint is not a URL: ${JSON.stringify(values.endpoint)}`);
  }
  if (endpoint.protocol !== 'https:') throw new BadUsageError(`--endpoint must be an https:// URL (kubectl sends the token only over TLS), not ${JSON.stringify(values.endpoint)}`);
  const region = values.region ?? regionOfEndpoint(endpoint);
  if (region !== undefined && !isRegion(region)) throw new BadUsageError(`--region takes an AWS region such as eu-west-1, not ${JSON.stringify(region)}`);
  const caData = await readCaData(values['ca-file'], values['ca-data']);

  const name = entryName(profile, cluster);
  const context = values.context ?? name;
  const exec = execStanza(defaultExecParts(), ['--cluster-name', cluster, ...(region !== undefined ? ['--region', region] : []), profile]);
  const file = kubeconfigPath(values.kubeconfig, process.env);
  await checkConfigTarget(file, '--kubeconfig');
  let before: Buffer | null = null;
  try {
    before = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigFileError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let after: string;
  try {
    after = planKubeconfig(before?.toString('utf8') ?? '', { name, context, server: endpoint.href.replace(/\/$/, ''), caData, exec });
  } catch (err) {
    if (err instanceof KubeconfigPlanError) throw new ConfigFileError(`${file}: ${err.message}; nothing was written`);
    throw err;
  }
  if (values['dry-run']) {
    process.stdout.write(after);
    return 0;
  }
  // `expected`: a kubectl or another tool that wrote the file meanwhile is not overwritten.
  const written = await atomicWrite(file, after, { expected: before });
  process.stdout.write(`Context ${context} (cluster ${cluster} as ${profile}) is in ${written.path} and is the current context.\n`);
  return 0;
};
