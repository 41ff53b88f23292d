/**
 * What `sso-agent env PROFILE --container` prints. Pure. A container gets the URI on the container
 * address and the grant's token as a variable: no token file (the host's path means nothing in a
 * container), nothing to unset (a container starts from its own environment).
 */
import type { GrantReply } from '../core/admin-api.js';

export const CONTAINER_FORMATS = ['sh', 'fish', 'json', 'env-file', 'compose', 'devcontainer'] as const;
export type ContainerFormat = (typeof CONTAINER_FORMATS)[number];

/** The Docker network the README's recipes create; the snippets attach to it. */
export const RECIPE_NETWORK = 'sso-agent';

/**
 * `relative`: the ECS form (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, which every SDK resolves to
 * 169.254.170.2:80) instead of the full URI, for SDKs that take a FULL_URI on loopback only (the
 * Go SDK v2 before 2024, the JS `fromContainerMetadata`). Only one of the two: SDKs disagree on
 * which wins when both are set, and some fail on the FULL_URI first.
 */
export function containerVars(grant: Pick<GrantReply, 'uris' | 'token'>, profile: string, region: string | undefined, relative = false): Record<string, string> {
  const uri = grant.uris[profile];
  if (uri === undefined) throw new Error(`the grant has no URI for ${profile}`);
  return {
    ...(relative ? { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: new URL(uri).pathname } : { AWS_CONTAINER_CREDENTIALS_FULL_URI: uri }),
    AWS_CONTAINER_AUTHORIZATION_TOKEN: grant.token,
    ...(region ? { AWS_REGION: region, AWS_DEFAULT_REGION: region } : {}),
  };
}

/**
 * `docker run --env-file` syntax (also compose's `env_file:`): KEY=VALUE, taken literally to the end
 * of the line, no quotes and no expansion. The values are a URL, base64url and a region, none of
 * which holds a newline.
 */
export function envFileText(vars: Record<string, string>): string {
  return Object.entries(vars).map(([k, v]) => `${k}=${v}\n`).join('');
}

/** For devcontainer.json: attach to the recipe's network and read the variables from the env file. */
export function devcontainerSnippet(envFile: string): string {
  return JSON.stringify({ runArgs: [`--network=${RECIPE_NETWORK}`, `--env-file=${envFile}`] }, null, 2) + '\n';
}

/** For compose.yaml: the same as a service fragment and the external network. JSON strings are valid YAML scalars. */
export function composeSnippet(envFile: string, service = 'app'): string {
  return [
    'services:',
    `  ${service}:`,
    `    networks: [${RECIPE_NETWORK}]`,
    `    env_file: [${JSON.stringify(envFile)}]`,
    'networks:',
    `  ${RECIPE_NETWORK}:`,
    '    external: true',
    '',
  ].join('\n');
}
