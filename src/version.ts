import { packageInfo } from './package-root.js';

// Read from package.json so `--version` can never drift from the published version.
export const VERSION: string = packageInfo().pkg.version;
