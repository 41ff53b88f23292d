import { onPath } from '../../src/cli/aws-config/self-command.js';

/** A tap `skip` option: false when every tool is on PATH, else the reason, naming the missing ones. */
export function needs(...tools: string[]): false | string {
  const missing = tools.filter((tool) => !onPath(tool));
  return missing.length === 0 ? false : `needs ${missing.join(', ')} on PATH`;
}
