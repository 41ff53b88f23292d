import { createRequire } from 'node:module';

/**
 * Loads a CommonJS package the CommonJS way, for packages loaded on demand (the AWS SDK clients,
 * the proxy agents, smithy's retry classifiers). An ESM `import` of a CommonJS package makes Node lex its source
 * (and every file it re-exports) to find named exports, then load it through the asynchronous
 * loader. The packages `serve` starts with are bundled instead (scripts/bundle.mjs). Types still
 * come from `import type`.
 */
export const requireCjs = createRequire(import.meta.url);
