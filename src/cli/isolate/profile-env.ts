import { dirname } from 'node:path';
import type { EnvReply } from '../../core/admin-api.js';
import { chooseRegion, type ProfileEnv } from '../env-lines.js';
import { refuseBotoCredentials } from './boto-config.js';
import { sdkFiles } from './sdk-files.js';
import { toSave } from './user-values.js';

/**
 * Everything `env` prints and `exec` sets for the agent's answer: the container variables, the
 * region, and the AWS files with nothing in them that would win over the agent. Refuses (throws)
 * where something the agent cannot take away would sign instead.
 */
export async function isolatedProfileEnv(reply: EnvReply, parent: NodeJS.ProcessEnv, opts: { region?: string | undefined; withToken?: boolean }): Promise<ProfileEnv> {
  await refuseBotoCredentials(parent);
  // The token file lives in <runtime dir>/tokens/: the copies go beside that folder, as private.
  const files = await sdkFiles(parent, dirname(dirname(reply.tokenFile)));
  return {
    ...reply,
    ...(opts.withToken === undefined ? {} : { withToken: opts.withToken }),
    region: chooseRegion(opts.region, parent, reply.region),
    files: files.vars,
    saved: toSave(parent),
  };
}
