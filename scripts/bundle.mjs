#!/usr/bin/env node
// Bundles the CLI that tsc compiled: dist/cli/main.js becomes one ES module plus one chunk per
// command it imports on demand (dist/cli/chunks/). Node pays per module loaded (resolve, read,
// link or wrap): for `serve` that was about 70 of the agent's modules and 170 files of the
// packages it starts with (fastify, pino, the ini loader), a good third of its start.
// Those packages are bundled in; every other package (the AWS SDK, loaded at the first login, the
// keychain binding, the proxy agents, what fastify loads only for schemas or inject) stays in
// node_modules and loads as before. The other files tsc wrote stay where they are (tests and
// benches import some of them directly).
import { build } from 'esbuild';
import { chmodSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli');
const BUNDLED = new Set(process.env.BUNDLED !== undefined ? process.env.BUNDLED.split(',').filter(Boolean) : ['fastify', 'pino', '@smithy/shared-ini-file-loader']);
// What fastify requires only when a route has a schema or a test calls inject(): never in the daemon.
const FASTIFY_ON_DEMAND = [
  'ajv', 'ajv-formats', 'fast-uri', 'fast-json-stringify', 'light-my-request',
  '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', '@fastify/merge-json-schemas',
];
const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = [...Object.keys(dependencies).filter((d) => !BUNDLED.has(d)), ...FASTIFY_ON_DEMAND];
// Beside dist/cli, at its depth: the source maps' relative paths stay right once the files move in.
const staging = join(root, 'dist', '.cli-bundle');
rmSync(staging, { recursive: true, force: true });
rmSync(join(cli, 'chunks'), { recursive: true, force: true });
await build({
  entryPoints: [join(cli, 'main.js')],
  outdir: staging,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // CommonJS packages bundled into ES modules still call require() (node builtins, the externals).
  // The daemon keeps every module's source text in its heap for as long as it runs (V8 compiles
  // functions lazily from it): whitespace and syntax minified, the bundled packages' source is
  // about half the size. Names stay, so stack traces still read; the maps give exact positions
  // under `node --enable-source-maps`.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  banner: { js: "import { createRequire as __sso_agent_cjs } from 'node:module'; const require = __sso_agent_cjs(import.meta.url);" },
  logLevel: 'warning',
});
// esbuild does not overwrite its own input; the bundle takes the entry's place once it is built.
renameSync(join(staging, 'chunks'), join(cli, 'chunks'));
renameSync(join(staging, 'main.js'), join(cli, 'main.js'));
renameSync(join(staging, 'main.js.map'), join(cli, 'main.js.map'));
rmSync(staging, { recursive: true, force: true });
chmodSync(join(cli, 'main.js'), 0o755);
