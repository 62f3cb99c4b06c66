/**
 * Finds and loads the addon, explaining every failure: ORTEX_NATIVE_PATH, then a prebuild for
 * this platform (prebuilds/<platform>-<arch>/), then build/Release and build/Debug.
 */
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrtexError } from './errors.js';
import { NATIVE_ABI_VERSION, type NativeBinding } from './native-binding.js';

const require = createRequire(import.meta.url);

/** The package root (the folder holding package.json), whether running from dist/ or lib/. */
export const packageRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
})();

function candidates(): string[] {
  const out: string[] = [];
  if (process.env.ORTEX_NATIVE_PATH) out.push(resolve(process.env.ORTEX_NATIVE_PATH));
  const prebuildDir = join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`);
  if (existsSync(prebuildDir)) {
    for (const f of readdirSync(prebuildDir).sort()) if (f.endsWith('.node')) out.push(join(prebuildDir, f));
  } else {
    out.push(join(prebuildDir, 'ortex.napi.node'));
  }
  out.push(join(packageRoot, 'build', 'Release', 'ortex.node'));
  out.push(join(packageRoot, 'build', 'Debug', 'ortex.node'));
  return out;
}

let cached: { binding: NativeBinding; path: string } | undefined;

export function loadNative(): { binding: NativeBinding; path: string } {
  if (cached) return cached;
  const attempts: string[] = [];
  for (const path of candidates()) {
    if (!existsSync(path)) {
      attempts.push(`${path}: not found`);
      continue;
    }
    try {
      const binding = require(path) as NativeBinding;
      if (binding.abiVersion !== NATIVE_ABI_VERSION) {
        attempts.push(`${path}: addon ABI ${binding.abiVersion}, this JS expects ${NATIVE_ABI_VERSION} (stale build: run npm run build)`);
        continue;
      }
      cached = { binding, path };
      return cached;
    } catch (e) {
      attempts.push(`${path}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new OrtexError('ERR_NATIVE_LOAD',
    `cannot load the ortex native addon for ${process.platform}-${process.arch} (Node ${process.versions.node}, N-API ${process.versions.napi}).\n` +
    `Tried:\n  ${attempts.join('\n  ')}\n` +
    'Fix: install a version of ortex that ships a prebuild for this platform, or build it from source with ' +
    '`npm run build` (needs cmake and a C++17 compiler), or point ORTEX_NATIVE_PATH at a built ortex.node.',
    { details: { attempts } });
}
