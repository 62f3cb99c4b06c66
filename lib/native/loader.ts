/**
 * Finds and loads the addon, explaining every failure. Candidates, in order:
 *
 * 1. `ORTEX_NATIVE_PATH`, when set: the only candidate (an explicit choice never falls back
 *    silently to another binary).
 * 2. The prebuilds for this platform, `prebuilds/<platform>-<arch>/`, chosen and ordered with
 *    node-gyp-build's rules (platform/arch folder, then the file's tags: napi, libc, armv, ...).
 * 3. A build from source: `build/Release/ortex.node`, then `build/Debug/ortex.node`. A Release
 *    build newer than the best prebuild is tried before the prebuilds, so a fresh
 *    `npm run build` is never shadowed by an older prebuild.
 *
 * After loading, the addon's ABI version must match this JS. On failure one ERR_NATIVE_LOAD error
 * lists every path tried with its real cause (the loader's own message) and what to do about it.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrtexError } from '../base/errors.js';
import { NATIVE_ABI_VERSION, type NativeBinding } from './binding.js';

const require = createRequire(import.meta.url);

/** The package root (the folder holding ortex's package.json), from dist/, dist/cjs/ or lib/. */
export const packageRoot: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  let dir = here;
  for (let i = 0; i < 4; i++) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'ortex') return dir;
    } catch {
      /* no package.json here, or not ours (dist/cjs/package.json) */
    }
    dir = dirname(dir);
  }
  return resolve(here, '..');
})();

/** How one candidate went. */
export interface NativeLoadAttempt {
  path: string;
  /** Where the candidate came from. */
  origin: 'ORTEX_NATIVE_PATH' | 'prebuild' | 'build/Release' | 'build/Debug';
  result: 'loaded' | 'not found' | 'skipped' | 'failed';
  /** The real cause: the dynamic loader's message, or why the file does not fit this system. */
  cause?: string;
  /** What the cause usually means and what to do about it. */
  hint?: string;
}

interface Tags {
  file: string;
  specificity: number;
  runtime?: string;
  napi?: boolean;
  abi?: string;
  uv?: string;
  armv?: string;
  libc?: string;
}

interface Tuple {
  name: string;
  platform: string;
  architectures: string[];
}

/** node-gyp-build's matching rules (the same ones its own loader applies to prebuilds/). */
interface NodeGypBuild {
  parseTags(file: string): Tags | undefined;
  matchTags(runtime: string, abi: string | undefined): (tags: Tags | undefined) => boolean;
  compareTags(runtime: string): (a: Tags, b: Tags) => number;
  parseTuple(name: string): Tuple | undefined;
  matchTuple(platform: string, arch: string): (tuple: Tuple | undefined) => boolean;
  compareTuples(a: Tuple, b: Tuple): number;
}

/** The running process, as node-gyp-build describes it. */
function host() {
  const isAlpine = process.platform === 'linux' && existsSync('/etc/alpine-release');
  const vars = (process.config as unknown as { variables?: Record<string, unknown> })?.variables ?? {};
  const runtime = process.versions.electron || process.env.ELECTRON_RUN_AS_NODE ? 'electron' : process.versions.nw ? 'node-webkit' : 'node';
  return {
    platform: process.env.npm_config_platform || process.platform,
    arch: process.env.npm_config_arch || process.arch,
    runtime,
    abi: process.versions.modules,
    uv: (process.versions.uv ?? '').split('.')[0] ?? '',
    armv: process.env.ARM_VERSION || (process.arch === 'arm64' ? '8' : String(vars.arm_version ?? '')),
    libc: process.env.LIBC || (isAlpine ? 'musl' : 'glibc'),
  };
}

function mismatch(tags: Tags, h: ReturnType<typeof host>): string {
  const why: string[] = [];
  if (tags.runtime && tags.runtime !== h.runtime && !(tags.runtime === 'node' && tags.napi))
    why.push(`built for ${tags.runtime}, this is ${h.runtime}`);
  if (tags.abi && tags.abi !== h.abi && !tags.napi) why.push(`built for Node ABI ${tags.abi}, this Node has ABI ${h.abi}`);
  if (tags.uv && tags.uv !== h.uv) why.push(`built for libuv ${tags.uv}, this Node has libuv ${h.uv}`);
  if (tags.armv && tags.armv !== h.armv) why.push(`built for ARMv${tags.armv}, this CPU is ARMv${h.armv || '?'}`);
  if (tags.libc && tags.libc !== h.libc) why.push(`built for ${tags.libc}, this system uses ${h.libc}`);
  return why.join('; ') || 'its tags do not match this system';
}

/** Turns a dynamic loader message into what it usually means. */
function diagnose(message: string): string | undefined {
  const m = message;
  if (
    /invalid ELF header|wrong ELF class|file too short|not a valid Win32 application|incompatible architecture|not a mach-o file|wrong architecture|Exec format error/i.test(
      m,
    )
  ) {
    return 'this file is not a binary for this platform and architecture (or it is damaged): reinstall ortex, or build from source';
  }
  const tooOld = /\b(GLIBC|GLIBCXX|CXXABI)_([\d.]+)' not found/.exec(m);
  if (tooOld) {
    const lib = tooOld[1] === 'GLIBC' ? 'glibc' : 'libstdc++';
    return `the binary needs ${lib} ${tooOld[1]}_${tooOld[2]}, newer than this system's: upgrade the system's ${lib}, or build ortex from source on this system`;
  }
  if (/Error relocating|__libc_single_threaded|ld-linux[^\s]*\.so|__(fprintf|memcpy|sprintf)_chk/.test(m) && host().libc === 'musl') {
    return 'a glibc binary on a musl system (Alpine): it needs a musl build (build from source on this system)';
  }
  const missing = /([^\s:]+\.(?:so(?:\.[\d.]+)?|dylib|dll)): cannot open shared object file/.exec(m);
  if (missing || /Library not loaded/.test(m)) {
    return `a library the addon links against is missing${missing ? ` (${missing[1]})` : ''}: install it (on Debian/Ubuntu: apt-get install libstdc++6)`;
  }
  const napi = /undefined symbol: ((?:napi|node_api)_\w+)/.exec(m);
  if (napi) {
    return `this Node does not provide ${napi[1]}: ortex needs N-API ${8} (Node >= 20.17); this Node has N-API ${process.versions.napi}`;
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

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

interface Plan {
  candidates: { path: string; origin: NativeLoadAttempt['origin'] }[];
  /** Paths looked at and ruled out before loading anything. */
  ruledOut: NativeLoadAttempt[];
  /** Platform folders this package ships (for the fix line). */
  shipped: string[];
}

function plan(): Plan {
  const explicit = process.env.ORTEX_NATIVE_PATH;
  if (explicit) return { candidates: [{ path: resolve(explicit), origin: 'ORTEX_NATIVE_PATH' }], ruledOut: [], shipped: [] };

  const gyp = require('node-gyp-build/node-gyp-build.js') as NodeGypBuild;
  const h = host();
  const ruledOut: NativeLoadAttempt[] = [];
  const prebuilds: Plan['candidates'] = [];
  const prebuildsDir = join(packageRoot, 'prebuilds');
  const folders = list(prebuildsDir);
  const tuples = folders.map((f) => gyp.parseTuple(f)).filter((t): t is Tuple => t !== undefined);
  const shipped = tuples.filter((t) => list(join(prebuildsDir, t.name)).some((f) => f.endsWith('.node'))).map((t) => t.name);
  const tuple = tuples.filter(gyp.matchTuple(h.platform, h.arch)).sort(gyp.compareTuples)[0];
  if (!tuple) {
    ruledOut.push({
      path: join(prebuildsDir, `${h.platform}-${h.arch}`),
      origin: 'prebuild',
      result: 'not found',
      cause: folders.length
        ? `no prebuild for ${h.platform}-${h.arch}`
        : 'this copy of ortex has no prebuilds (a source checkout, or a package built without them)',
    });
  } else {
    const dir = join(prebuildsDir, tuple.name);
    const parsed = list(dir)
      .map((f) => gyp.parseTags(f))
      .filter((t): t is Tags => t !== undefined);
    const match = gyp.matchTags(h.runtime, h.abi);
    for (const t of parsed.filter((p) => !match(p))) {
      ruledOut.push({ path: join(dir, t.file), origin: 'prebuild', result: 'skipped', cause: mismatch(t, h) });
    }
    for (const t of parsed.filter(match).sort(gyp.compareTags(h.runtime))) prebuilds.push({ path: join(dir, t.file), origin: 'prebuild' });
    if (parsed.length === 0) ruledOut.push({ path: dir, origin: 'prebuild', result: 'not found', cause: 'the folder holds no .node file' });
  }
  const release = { path: join(packageRoot, 'build', 'Release', 'ortex.node'), origin: 'build/Release' as const };
  const debug = { path: join(packageRoot, 'build', 'Debug', 'ortex.node'), origin: 'build/Debug' as const };
  const releaseTime = mtime(release.path);
  const newestPrebuild = Math.max(0, ...prebuilds.map((p) => mtime(p.path)));
  const candidates = releaseTime > newestPrebuild && prebuilds.length > 0 ? [release, ...prebuilds, debug] : [...prebuilds, release, debug];
  return { candidates, ruledOut, shipped };
}

function describeAttempt(a: NativeLoadAttempt, i: number): string {
  const what =
    a.origin === 'prebuild' ? 'prebuild' : a.origin === 'ORTEX_NATIVE_PATH' ? 'ORTEX_NATIVE_PATH' : `build from source, ${a.origin}`;
  let line = `${i + 1}. ${a.path} (${what}): ${a.result}${a.cause ? `: ${a.cause}` : ''}`;
  if (a.hint) line += `\n     -> ${a.hint}`;
  return line;
}

function fixFor(attempts: NativeLoadAttempt[], p: Plan): string {
  const platform = `${process.platform}-${process.arch}`;
  if (process.env.ORTEX_NATIVE_PATH) {
    return 'ORTEX_NATIVE_PATH is set, so nothing else was tried: point it at a working ortex.node, or unset it to use the prebuild shipped with ortex.';
  }
  const fromSource =
    'build from a source checkout (npm install && npm run build: needs cmake and a C++17 compiler) and set ' +
    'ORTEX_NATIVE_PATH=<checkout>/build/Release/ortex.node';
  const failedPrebuild = attempts.find((a) => a.origin === 'prebuild' && a.result === 'failed');
  if (failedPrebuild)
    return `the prebuild for ${platform} is there but does not load here (see its cause above). Otherwise: reinstall ortex, or ${fromSource}.`;
  if (attempts.some((a) => a.result === 'failed' && /ABI/.test(a.cause ?? ''))) {
    return 'rebuild the addon (npm run build in a source checkout) or reinstall ortex: the binary and the JavaScript come from different versions.';
  }
  if (
    p.shipped.length &&
    !p.shipped.some((s) => s.startsWith(`${process.platform}-`) && s.split('-')[1]?.split('+').includes(process.arch))
  ) {
    return `ortex ${packageVersion()} ships prebuilds for ${p.shipped.join(', ')}, not ${platform}: ${fromSource}.`;
  }
  if (p.ruledOut.some((a) => a.result === 'skipped')) return `no prebuild matches this system (see why above): ${fromSource}.`;
  return `in a source checkout run npm run build (or npm run prebuild); elsewhere reinstall ortex, or ${fromSource}.`;
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

let cached: { binding: NativeBinding; path: string } | undefined;

export function loadNative(): { binding: NativeBinding; path: string } {
  if (cached) return cached;
  const p = plan();
  const attempts: NativeLoadAttempt[] = [...p.ruledOut];
  for (const { path, origin } of p.candidates) {
    if (!existsSync(path)) {
      attempts.push({ path, origin, result: 'not found' });
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
          origin === 'prebuild'
            ? 'a prebuild from another ortex version: reinstall ortex, or run npm run prebuild'
            : 'a stale build: run npm run build',
      });
      continue;
    }
    cached = { binding, path };
    return cached;
  }
  const napi = Number(process.versions.napi);
  const napiNote = napi < 8 ? ` This Node has N-API ${napi}; ortex needs N-API 8 (Node >= 20.17): upgrade Node.` : '';
  throw new OrtexError(
    'ERR_NATIVE_LOAD',
    `cannot load the ortex native addon for ${process.platform}-${process.arch} ` +
      `(${host().libc === 'musl' ? 'musl, ' : ''}Node ${process.versions.node}, N-API ${process.versions.napi}, ortex ${packageVersion()}).${napiNote}\n` +
      `Tried, in order:\n  ${attempts.map(describeAttempt).join('\n  ')}\n` +
      `Fix: ${fixFor(attempts, p)}`,
    { details: { attempts } },
  );
}
