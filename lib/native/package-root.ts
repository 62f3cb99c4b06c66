/** Where this copy of ortex lives, and what its package.json says. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageManifest {
  name?: string;
  version?: string;
  optionalDependencies?: Record<string, string>;
  /** cmake-js's field; kept in step with native/build.json by a test. */
  binary?: { napi_versions?: number[] };
}

/** The N-API version the addon is built for (package.json's binary.napi_versions, from native/build.json). */
export function requiredNapiVersion(): number {
  return packageManifest().binary?.napi_versions?.[0] ?? 8;
}

function readManifest(dir: string): PackageManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageManifest;
  } catch {
    return undefined;
  }
}

/** The package root (the folder holding ortex's package.json), from dist/, dist/cjs/ or lib/. */
export const packageRoot: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  let dir = here;
  for (let i = 0; i < 4; i++) {
    if (readManifest(dir)?.name === 'ortex') return dir; // not dist/cjs/package.json, which is not ours
    dir = dirname(dir);
  }
  return resolve(here, '..', '..');
})();

let manifest: PackageManifest | undefined;

/** ortex's own package.json (read once; `{}` if unreadable). */
export function packageManifest(): PackageManifest {
  manifest ??= readManifest(packageRoot) ?? {};
  return manifest;
}

/** A git checkout (sources and build files present) rather than an installed package. */
export function isSourceCheckout(): boolean {
  return existsSync(join(packageRoot, 'native')) && existsSync(join(packageRoot, 'CMakeLists.txt'));
}
