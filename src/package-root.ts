import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'aws-sso-agent';

export interface PackageJson { name: string; version: string }

let found: { root: string; pkg: PackageJson } | undefined;

/**
 * The package's root (package.json, dist/, bin/, systemd/, launchd/): the nearest folder above
 * `moduleUrl` whose package.json is this package's. Found by walking up rather than by counting
 * levels, because the CLI runs bundled (dist/cli/main.js and its chunks, scripts/bundle.mjs), so a
 * module cannot know its own depth; and from src/ under tests.
 */
export function findPackageRoot(moduleUrl: string): { root: string; pkg: PackageJson } {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
      if (pkg.name === PACKAGE_NAME) return { root: dir, pkg };
    } catch {
      // no package.json here, or not JSON: keep going up
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`${PACKAGE_NAME}: no package.json of ${PACKAGE_NAME} above ${fileURLToPath(moduleUrl)}`);
    dir = up;
  }
}

/** This installation's root and package.json, looked up once. */
export function packageInfo(): { root: string; pkg: PackageJson } {
  found ??= findPackageRoot(import.meta.url);
  return found;
}
