/**
 * Finds and loads the addon, explaining every failure. Candidates, in order:
 *
 * 1. `ORTEX_NATIVE_PATH`, when set: the only candidate (an explicit choice never falls back
 *    silently to another binary).
 * 2. The platform package for this system (`@ortex/<platform>-<arch>`, an optional dependency
 *    npm installs by `os`/`cpu`/`libc`): its `ortex.node`. See platform-package.ts.
 * 3. A build from source: `build/Release/ortex.node`, then `build/Debug/ortex.node`. A Release
 *    build newer than the platform package's addon is tried first, so a fresh `npm run build`
 *    in a checkout is never shadowed by an installed binary.
 *
 * A candidate must be a regular file (a FIFO would block dlopen forever). After loading, the
 * addon's ABI version must match this JS. On failure one ERR_NATIVE_LOAD error lists every
 * candidate with its real cause (the dynamic loader's message) and says what to do.
 */
import { createRequire } from 'node:module';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OrtexError } from '../base/errors.js';
import { NATIVE_ABI_VERSION, type NativeBinding } from './binding.js';
import { isSourceCheckout, packageManifest, packageRoot, requiredNapiVersion } from './package-root.js';
import { ADDON_FILE, hostLibc, platformPackage, type PlatformPackage } from './platform-package.js';
import { fileProblem } from './regular-file.js';

export { packageRoot };

const require = createRequire(import.meta.url);

/** Where a candidate came from. */
export type NativeOrigin = 'ORTEX_NATIVE_PATH' | 'platform package' | 'build/Release' | 'build/Debug';

/** How one candidate went. */
export interface NativeLoadAttempt {
  /** The file, or the package name when the package is not installed. */
  path: string;
  origin: NativeOrigin;
  result: 'loaded' | 'not found' | 'skipped' | 'failed';
  /** The real cause: the dynamic loader's message, or why the candidate does not fit. */
  cause?: string;
  /** What the cause usually means and what to do about it. */
  hint?: string;
}

/** Turns a dynamic loader message into what it usually means. */
function diagnose(message: string): string | undefined {
  const m = message;
  if (
    /invalid ELF header|wrong ELF class|file too short|not a valid Win32 application|incompatible architecture|not a mach-o file|wrong architecture|Exec format error/i.test(
      m,
    )
  ) {
    return 'this file is not a binary for this platform and architecture (or it is damaged): reinstall ortex on this system, or build from source';
  }
  const tooOld = /\b(GLIBC|GLIBCXX|CXXABI)_([\d.]+)' not found/.exec(m);
  if (tooOld) {
    const lib = tooOld[1] === 'GLIBC' ? 'glibc' : 'libstdc++';
    return `the binary needs ${lib} ${tooOld[1]}_${tooOld[2]}, newer than this system's: upgrade the system's ${lib}, or build ortex from source on this system`;
  }
  if (/Error relocating|__libc_single_threaded|ld-linux[^\s]*\.so|__(fprintf|memcpy|sprintf)_chk/.test(m) && hostLibc() === 'musl') {
    return 'a glibc binary on a musl system (Alpine): it needs a musl build (build from source on this system)';
  }
  const missing = /([^\s:]+\.(?:so(?:\.[\d.]+)?|dylib|dll)): cannot open shared object file/.exec(m);
  if (missing || /Library not loaded/.test(m)) {
    return `a library the addon links against is missing${missing ? ` (${missing[1]})` : ''}: install it (on Debian/Ubuntu: apt-get install libstdc++6)`;
  }
  const napi = /undefined symbol: ((?:napi|node_api)_\w+)/.exec(m);
  if (napi) {
    return `this Node does not provide ${napi[1]}: ortex needs N-API ${requiredNapiVersion()} (Node >= 20.17); this Node has N-API ${process.versions.napi}`;
  }
  if (/undefined symbol|symbol not found/i.test(m)) {
    return 'the binary references a symbol this process does not provide: it was built for another runtime or is out of date; rebuild it';
  }
  if (/did not self-register/.test(m)) {
    return 'the file is not a Node-API module for this runtime: rebuild it, or point ORTEX_NATIVE_PATH at ortex.node';
  }
  if (/EACCES|permission denied|operation not permitted|failed to map segment/i.test(m)) {
    return 'the file cannot be mapped executable (permissions, or a noexec mount such as some /tmp): move the package or fix the mount';
  }
  return undefined;
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

interface Plan {
  candidates: { path: string; origin: NativeOrigin }[];
  /** Candidates looked at and ruled out before loading anything. */
  ruledOut: NativeLoadAttempt[];
  platform: PlatformPackage;
}

function plan(): Plan {
  const platform = platformPackage();
  const explicit = process.env.ORTEX_NATIVE_PATH;
  if (explicit) return { candidates: [{ path: resolve(explicit), origin: 'ORTEX_NATIVE_PATH' }], ruledOut: [], platform };

  const ruledOut: NativeLoadAttempt[] = [];
  const packaged: Plan['candidates'] = [];
  if (!platform.name) {
    ruledOut.push({
      path: `(no package for ${platform.id})`,
      origin: 'platform package',
      result: 'not found',
      cause: platform.shipped.length
        ? `ortex has platform packages for ${platform.shipped.join(', ')} only`
        : 'this copy of ortex lists no platform packages',
    });
  } else if (!platform.dir) {
    ruledOut.push({ path: platform.name, origin: 'platform package', result: 'not found', cause: `${platform.name} is not installed` });
  } else if (platform.installedVersion !== platform.version) {
    ruledOut.push({
      path: join(platform.dir, ADDON_FILE),
      origin: 'platform package',
      result: 'skipped',
      cause: `${platform.name}@${platform.installedVersion ?? '?'} is installed; ortex ${packageManifest().version ?? '?'} needs exactly ${platform.version}`,
    });
  } else {
    packaged.push({ path: join(platform.dir, ADDON_FILE), origin: 'platform package' });
  }
  const release = { path: join(packageRoot, 'build', 'Release', 'ortex.node'), origin: 'build/Release' as const };
  const debug = { path: join(packageRoot, 'build', 'Debug', 'ortex.node'), origin: 'build/Debug' as const };
  const releaseFirst = packaged.length > 0 && mtime(release.path) > mtime(packaged[0]!.path);
  return { candidates: releaseFirst ? [release, ...packaged, debug] : [...packaged, release, debug], ruledOut, platform };
}

function describeAttempt(a: NativeLoadAttempt, i: number): string {
  const what = a.origin.startsWith('build/') ? `build from source, ${a.origin}` : a.origin;
  let line = `${i + 1}. ${a.path} (${what}): ${a.result}${a.cause ? `: ${a.cause}` : ''}`;
  if (a.hint) line += `\n     -> ${a.hint}`;
  return line;
}

const FROM_SOURCE =
  'build from a source checkout (npm install: needs cmake and a C++17 compiler) and set ' +
  'ORTEX_NATIVE_PATH=<checkout>/build/Release/ortex.node and ORTEX_ORT_LIB=<an ONNX Runtime >= 1.29 library for this platform>';

function fixFor(attempts: NativeLoadAttempt[], p: Plan): string {
  const { platform } = p;
  const version = packageManifest().version ?? '?';
  if (process.env.ORTEX_NATIVE_PATH) {
    return 'ORTEX_NATIVE_PATH is set, so nothing else was tried: point it at a working ortex.node, or unset it to use the platform package.';
  }
  if (isSourceCheckout() && !attempts.some((a) => a.origin.startsWith('build/') && a.result === 'failed')) {
    return 'this is a source checkout: npm install (or npm run build) builds build/Release/ortex.node.';
  }
  if (attempts.some((a) => a.result === 'failed' && /ABI version/.test(a.cause ?? ''))) {
    return 'the binary and the JavaScript come from different ortex versions: reinstall ortex (or npm run build in a checkout).';
  }
  if (attempts.some((a) => a.origin === 'platform package' && a.result === 'failed')) {
    return `the addon in ${platform.name} is there but does not load here (see its cause above): reinstall ortex on this system, or ${FROM_SOURCE}.`;
  }
  if (!platform.name) {
    return `ortex ${version} ships binaries for ${platform.shipped.join(', ') || 'no platform'} (the platforms ONNX Runtime's own npm build covers), not ${platform.id}: ${FROM_SOURCE}.`;
  }
  const [os, cpu] = platform.id.split('-');
  const spec = `${platform.name}@${platform.version}`;
  if (platform.dir) return `install the matching platform package: npm install ${spec} (or reinstall ortex).`;
  return (
    `${spec}, the package with ortex's binaries for this system, is not installed. npm installs it with ortex ` +
    `(an optional dependency chosen by os/cpu/libc) unless optional dependencies were omitted (--omit=optional, --no-optional, ` +
    `yarn --ignore-optional) or node_modules was installed on another system (e.g. on macOS, then copied into a Linux container). ` +
    `Reinstall on this system with optional dependencies (npm install --include=optional ortex), or add it yourself: npm install ${spec}; ` +
    `to install for another system, name it: npm install --os=${os === 'linuxmusl' ? 'linux --libc=musl' : os} --cpu=${cpu} ortex.`
  );
}

/**
 * require() for *.node (cached per path, so the ESM and CommonJS builds share one instance);
 * process.dlopen for a file named otherwise (ORTEX_NATIVE_PATH), which require() would parse as JS.
 */
function loadFile(path: string): NativeBinding {
  if (path.endsWith('.node')) return require(path) as NativeBinding;
  const module = { exports: {} as NativeBinding };
  process.dlopen(module, path);
  return module.exports;
}

let cached: { binding: NativeBinding; path: string; origin: NativeOrigin } | undefined;

export function loadNative(): { binding: NativeBinding; path: string; origin: NativeOrigin } {
  if (cached) return cached;
  const p = plan();
  const attempts: NativeLoadAttempt[] = [...p.ruledOut];
  for (const { path, origin } of p.candidates) {
    const problem = fileProblem(path);
    if (problem === 'missing') {
      attempts.push({ path, origin, result: 'not found' });
      continue;
    }
    if (problem) {
      attempts.push({
        path,
        origin,
        result: 'failed',
        cause: `expected a regular file for ${origin === 'ORTEX_NATIVE_PATH' ? origin : 'the addon'}, received ${problem}`,
      });
      continue;
    }
    let binding: NativeBinding;
    try {
      binding = loadFile(path);
    } catch (e) {
      const message = String((e as Error)?.message ?? e).trim();
      const attempt: NativeLoadAttempt = {
        path,
        origin,
        result: 'failed',
        cause: message.length > 600 ? `${message.slice(0, 600)}...` : message,
      };
      const hint = diagnose(message);
      if (hint) attempt.hint = hint;
      attempts.push(attempt);
      continue;
    }
    if (binding?.abiVersion !== NATIVE_ABI_VERSION) {
      attempts.push({
        path,
        origin,
        result: 'failed',
        cause: `addon ABI version ${String(binding?.abiVersion)}, this JavaScript expects ${NATIVE_ABI_VERSION}`,
        hint:
          origin === 'platform package'
            ? `${p.platform.name} does not match this ortex: reinstall ortex`
            : 'a stale build: run npm run build',
      });
      continue;
    }
    cached = { binding, path, origin };
    return cached;
  }
  const napi = Number(process.versions.napi);
  const needed = requiredNapiVersion();
  const napiNote = napi < needed ? ` This Node has N-API ${napi}; ortex needs N-API ${needed} (Node >= 20.17): upgrade Node.` : '';
  throw new OrtexError(
    'ERR_NATIVE_LOAD',
    `cannot load the ortex native addon for ${p.platform.id} ` +
      `(Node ${process.versions.node}, N-API ${process.versions.napi}, ortex ${packageManifest().version ?? '?'}).${napiNote}\n` +
      `Tried, in order:\n  ${attempts.map(describeAttempt).join('\n  ')}\n` +
      `Fix: ${fixFor(attempts, p)}`,
    { details: { attempts } },
  );
}
