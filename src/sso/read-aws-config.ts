import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { awsConfigSections, type ConfigSections } from '../ini/aws-config-sections.js';

export interface AwsConfigRead {
  sections: ConfigSections;
  /** Set when botocore (and so every `aws` command) would refuse the file: the line and the fix. */
  problem?: string;
}

/**
 * The AWS config as botocore reads it (ini/aws-config-sections.ts), read afresh each time so an
 * edit is seen on the next load. A file botocore refuses is still read as leniently as the JS
 * SDK reads it, so one bad line does not take every session away, and the problem is reported
 * (`status`, `sync`) with its line.
 */
export async function readAwsConfig(file: string): Promise<AwsConfigRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { sections: {} };
    throw err;
  }
  const read = awsConfigSections(text);
  if (read.ok) return { sections: read.sections };
  const { configFile } = await loadSharedConfigFiles({
    configFilepath: file,
    // No credentials file: the agent reads the config file only.
    filepath: join(dirname(file), '.sso-agent-no-credentials-file'),
    ignoreCache: true,
  });
  return {
    sections: configFile as ConfigSections,
    problem: `${file} ${read.problem} (every \`aws\` command fails on this file until it is fixed)`,
  };
}
