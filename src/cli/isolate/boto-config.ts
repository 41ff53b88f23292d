import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CredentialsOverrideError } from '../../errors.js';

/**
 * botocore (boto3, both AWS CLIs) still reads boto 2's config (`$BOTO_CONFIG`, else
 * /etc/boto.cfg and ~/.boto) for keys under [Credentials], before the container endpoint. Other
 * tools (gsutil) keep their settings there, so the agent does not swap the file; keys there are
 * refused, naming the file, rather than signing as them.
 */
export async function refuseBotoCredentials(env: NodeJS.ProcessEnv): Promise<void> {
  const files = env.BOTO_CONFIG ? [env.BOTO_CONFIG] : ['/etc/boto.cfg', join(env.HOME || homedir(), '.boto')];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (hasBotoKeys(text)) {
      throw new CredentialsOverrideError(`${file} sets aws_access_key_id under [Credentials], which boto3 and the AWS CLI use before the agent: remove the key from ${file}, or point BOTO_CONFIG at a file without it`);
    }
  }
}

/** configparser's reading, simplified: the [Credentials] section (any case of the key) holds aws_access_key_id. */
export function hasBotoKeys(text: string): boolean {
  let inCredentials = false;
  for (const line of text.split(/\r\n|\n|\r/)) {
    const header = /^\[(.*)\]/.exec(line.trim());
    if (header) { inCredentials = header[1] === 'Credentials'; continue; }
    if (inCredentials && /^aws_access_key_id\s*[=:]/i.test(line)) return true;
  }
  return false;
}
