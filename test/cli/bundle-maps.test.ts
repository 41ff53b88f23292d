// The bundled CLI is minified (scripts/bundle.mjs); its source maps are what make a stack trace
// under `node --enable-source-maps` point at the TypeScript. A map whose relative paths are off by
// a folder still loads, and silently names files that do not exist.
import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/cli');
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** The sources a bundled file's map names, as paths; undefined when it names no map. */
function mapSources(jsFile: string): string[] | undefined {
  const tail = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(jsFile, 'utf8'))?.[1];
  if (tail === undefined) return undefined;
  const mapFile = resolve(dirname(jsFile), tail);
  if (!existsSync(mapFile)) return undefined;
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; sourceRoot?: string };
  return map.sources.map((s) => resolve(dirname(mapFile), map.sourceRoot ?? '', s));
}

t.test('every bundled file has a map whose TypeScript sources exist', async (t) => {
  const files = [join(CLI, 'main.js'), ...readdirSync(join(CLI, 'chunks')).filter((f) => f.endsWith('.js')).map((f) => join(CLI, 'chunks', f))];
  t.ok(files.length > 5, `the entry and its chunks (${files.length} files)`);
  const ours = new Set<string>();
  for (const f of files) {
    const sources = mapSources(f);
    t.ok(sources, `${f.slice(CLI.length + 1)} names its map, and the map is there`);
    // A chunk of re-exports alone maps no source; the bundled packages' own maps are theirs.
    for (const s of sources ?? []) if (s.endsWith('.ts') && !s.includes('/node_modules/')) ours.add(s);
  }
  t.ok(ours.has(join(SRC, 'cli', 'main.ts')), 'the entry maps to src/cli/main.ts');
  t.ok(ours.has(join(SRC, 'server', 'warm-credentials.ts')), 'the daemon\'s modules map to src/');
  const missing = [...ours].filter((s) => !existsSync(s));
  t.same(missing, [], 'no map names a TypeScript file that is not there');
});
