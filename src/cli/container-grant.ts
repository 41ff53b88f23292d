import { randomBytes } from 'node:crypto';
import { lstat, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GrantReply, GrantRequest } from '../core/admin-api.js';
import { InvalidInputError, BadUsageError } from '../errors.js';
import { ADMIN_ROUTES, adminRequest } from './admin-client.js';
import { parseDuration } from './args.js';
import { CONTAINER_FORMATS, type ContainerFormat, composeSnippet, containerVars, devcontainerSnippet, envFileText } from './container-env.js';
import { chooseRegion, formatVars } from './env-lines.js';

export interface ContainerFlags {
  format?: string | undefined;
  region?: string | undefined;
  'file-only'?: boolean | undefined;
  relative?: boolean | undefined;
  also?: string[] | undefined;
  ttl?: string | undefined;
  label?: string | undefined;
  out?: string | undefined;
}

/** `sso-agent env PROFILE --container`: asks the agent for a container grant and prints it as asked. */
export async function containerGrantOutput(profile: string, f: ContainerFlags): Promise<number> {
  const format = (f.format ?? (f.out !== undefined ? 'env-file' : 'sh')) as ContainerFormat;
  if (!CONTAINER_FORMATS.includes(format)) throw new BadUsageError(`--format takes ${CONTAINER_FORMATS.join(', ')} with --container, not ${JSON.stringify(f.format)}`);
  if ((format === 'compose' || format === 'devcontainer') && f.out === undefined) {
    throw new BadUsageError(`--format ${format} needs --out PATH: the snippet names the file, so no token lands in a file you commit`);
  }
  if (f['file-only']) throw new BadUsageError('--file-only does not go with --container: a container reads the token from its variable');
  const body: GrantRequest = { kind: 'container', profiles: [profile, ...(f.also ?? [])] };
  if (f.ttl !== undefined) body.ttlSeconds = Math.round(parseDuration(f.ttl, '--ttl') / 1000);
  if (f.label !== undefined) body.label = f.label;
  const reply = await adminRequest<GrantReply>('POST', ADMIN_ROUTES.grants, body);
  const main = reply.grant.profiles[0] as string;
  if (f.relative && !reply.ecsEndpoint) {
    throw new InvalidInputError('--relative needs the agent to serve the ECS endpoint: add `--container-address 169.254.170.2:80` to its serve flags');
  }
  const vars = containerVars(reply, main, chooseRegion(f.region, process.env, reply.region), f.relative === true);
  const until = reply.grant.expiresAt ? `until ${reply.grant.expiresAt}` : 'until the agent stops';
  process.stderr.write(`sso-agent: grant ${reply.grant.id} for ${reply.grant.profiles.join(', ')}, ${until}; end it with \`sso-agent grants revoke ${reply.grant.id}\`\n`);
  const envFile = f.out;
  if (envFile !== undefined) {
    await writePrivateFile(envFile, envFileText(vars));
    if (format === 'compose') process.stdout.write(composeSnippet(envFile));
    else if (format === 'devcontainer') process.stdout.write(devcontainerSnippet(envFile));
    return 0;
  }
  process.stdout.write(format === 'env-file' ? envFileText(vars) : formatVars(vars, format as 'sh' | 'fish' | 'json'));
  return 0;
}

/**
 * Writes a file only its owner can read, atomically (a temp file beside it, then rename), and only
 * over a regular file: a symlink or device at PATH is refused rather than followed.
 */
async function writePrivateFile(path: string, text: string): Promise<void> {
  const existing = await lstat(path).catch(() => undefined);
  if (existing && !existing.isFile()) throw new InvalidInputError(`${path} is not a regular file: pass --out a file path`);
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o600).catch((err: NodeJS.ErrnoException) => {
    throw new InvalidInputError(`cannot write ${path} (${err.code}): pass --out a path in a folder you can write`);
  });
  try {
    try {
      await fh.writeFile(text);
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
