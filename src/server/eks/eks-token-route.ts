import type { FastifyInstance } from 'fastify';
import { ADMIN_ROUTES, EKS_TOKEN_ENV, parseExecApiVersion, renderExecCredential } from '../../core/admin-api.js';
import { isRegion } from '../../core/aws-names.js';
import { InvalidInputError, BadUsageError } from '../../errors.js';
import type { AgentCore } from '../../core/types.js';
import { stsEndpoint } from '../../sso/clients.js';
import { chooseApiVersion, execCredential, expirationTimestamp } from './exec-credential.js';
import { encodeToken, presignCallerIdentity } from './presign-token.js';
import { stsTarget } from './sts-endpoint.js';

/**
 * `GET /v1/eks-token?profile=P&cluster=C[&region=R][&apiVersion=V][&<caller's env>]`: the
 * ExecCredential for `sso-agent eks-token`, ready to print, for the Node CLI and the shell client
 * (bin/sso-agent-eks-token.sh) alike. The caller's own AWS_REGION, AWS_DEFAULT_REGION,
 * AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL and KUBERNETES_EXEC_INFO come along in the query (the
 * names in EKS_TOKEN_ENV), since the agent's environment is not the shell's kubectl runs in.
 * The reply is a bearer token: never logged, never cached by anyone.
 */
export interface EksTokenRouteOptions {
  core: AgentCore;
  /** Epoch ms; the signing date and the expiry come from it. */
  now: () => number;
  /** The agent's own environment: its AWS_ENDPOINT_URL_STS applies when the caller sets none. */
  env: NodeJS.ProcessEnv;
}

const MAX_CLUSTER_ID = 256;

function param(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new InvalidInputError(`eks-token: ${name} was given more than once`);
  return v;
}

export function registerEksTokenRoute(app: FastifyInstance, opts: EksTokenRouteOptions): void {
  const { core, now, env } = opts;
  app.get<{ Querystring: Record<string, unknown> }>(ADMIN_ROUTES.eksToken, async (req, reply) => {
    const query = req.query ?? {};
    const profile = param(query, 'profile');
    const cluster = param(query, 'cluster');
    if (profile === undefined) throw new BadUsageError('eks-token needs a PROFILE; see `sso-agent eks-token --help`');
    if (cluster === undefined) throw new BadUsageError('eks-token needs --cluster-name NAME (the EKS cluster the token is for)');
    if (cluster.length > MAX_CLUSTER_ID || /[\x00-\x1f\x7f]/.test(cluster)) {
      throw new BadUsageError(`--cluster-name takes an EKS cluster name (at most ${MAX_CLUSTER_ID} characters, no control characters)`);
    }
    const flagVersion = param(query, 'apiVersion');
    const apiVersion = flagVersion === undefined ? undefined : parseExecApiVersion(flagVersion);
    if (flagVersion !== undefined && apiVersion === undefined) {
      throw new BadUsageError(`--api-version takes v1 or v1beta1, not ${JSON.stringify(flagVersion)}`);
    }
    const callerEnv = Object.fromEntries(EKS_TOKEN_ENV.map((k) => [k, param(query, k)]));

    const role = core.resolveProfile(profile);
    const region = param(query, 'region') ?? callerEnv.AWS_REGION ?? callerEnv.AWS_DEFAULT_REGION
      ?? role.region ?? core.listSessions().find((s) => s.name === role.session)?.region;
    if (region === undefined || !isRegion(region)) {
      throw new BadUsageError(`eks-token needs the cluster's region as --region R (such as eu-west-1), not ${JSON.stringify(region ?? '')}`);
    }
    let target;
    try {
      target = stsTarget(region, stsEndpoint(callerEnv) ?? stsEndpoint(env));
    } catch (err) {
      throw new InvalidInputError(`${(err as Error).message}: fix or unset it`);
    }
    const creds = await core.getCredentials(role);
    const signedAt = now();
    const url = await presignCallerIdentity({
      credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
      region,
      target,
      clusterId: cluster,
      signingDate: new Date(signedAt),
    });
    const body = renderExecCredential(execCredential(
      chooseApiVersion(apiVersion, callerEnv.KUBERNETES_EXEC_INFO),
      expirationTimestamp(signedAt, creds.expiration),
      encodeToken(url),
    ));
    return reply.header('content-type', 'application/json').header('cache-control', 'no-store').send(body);
  });
}
