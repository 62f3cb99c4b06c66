/**
 * Chooses and loads the ONNX Runtime shared library. In order: init({ runtimeLibrary }) before
 * first use; ORTEX_ORT_LIB; the library beside the loaded addon (in a platform package: the ORT
 * the addon was built and tested with); the one in the onnxruntime-node package, when it can be
 * resolved (a source checkout's devDependency, or an app's own, so one ORT serves both); the
 * platform package's, when the addon came from elsewhere; a platform package built in this
 * checkout (npm run build:platform). Every path must be a regular file before it is opened.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, fromNative, invalid, OrtexError } from '../base/errors.js';
import { integer, knownKeys, object } from '../base/validate.js';
import { loadNative, type NativeOrigin } from './loader.js';
import type { NativeBinding, NativeRuntimeInfo } from './binding.js';
import { packageRoot } from './package-root.js';
import { platformId, platformPackage, RUNTIME_LIBRARY_FILE } from './platform-package.js';
import { providerByAvailableName } from './provider-names.js';
import { fileProblem } from './regular-file.js';

export interface InitOptions {
  /** Path to libonnxruntime (.so/.dylib/.dll), e.g. an ORT GPU build. */
  runtimeLibrary?: string;
  /**
   * Most runs executing on the thread pool at once from this thread (the rest wait in order).
   * Default: the number of CPU cores (or ORTEX_MAX_CONCURRENT_RUNS). More parallel runs than
   * cores add no throughput and take CPU time from the event loop.
   */
  maxConcurrentRuns?: number;
}

/** How the ONNX Runtime library was chosen. */
export type LibrarySource = 'init' | 'ORTEX_ORT_LIB' | 'platform package' | 'addon folder' | 'onnxruntime-node';

export interface RuntimeInfo {
  /** ONNX Runtime version string of the loaded library, e.g. "1.30.0". */
  ortVersion: string;
  /** ORT C API version ortex requested. */
  apiVersion: number;
  libraryPath: string;
  /** How the library was chosen. */
  librarySource: LibrarySource;
  addonPath: string;
  /** Providers compiled into the loaded library (short names where known, else ORT's names). */
  providers: string[];
  /** ORT's own provider names, as GetAvailableProviders() returned them. */
  ortProviders: string[];
}

const libraryFile = (): string | undefined => RUNTIME_LIBRARY_FILE[process.platform];

/** Where the default library is looked for, in order, given where the addon came from. */
function defaultCandidates(addon: { path: string; origin: NativeOrigin }): { path: string; source: LibrarySource }[] {
  const file = libraryFile();
  if (!file) return [];
  const candidates: { path: string; source: LibrarySource }[] = [
    { path: join(dirname(addon.path), file), source: addon.origin === 'platform package' ? 'platform package' : 'addon folder' },
  ];
  try {
    const ortNode = dirname(createRequire(join(packageRoot, 'package.json')).resolve('onnxruntime-node/package.json'));
    candidates.push({ path: join(ortNode, 'bin', 'napi-v6', process.platform, process.arch, file), source: 'onnxruntime-node' });
  } catch {
    /* not installed: the usual case outside a checkout */
  }
  const platform = platformPackage();
  if (platform.dir) candidates.push({ path: join(platform.dir, file), source: 'platform package' });
  candidates.push({ path: join(packageRoot, 'npm', platformId(), file), source: 'platform package' });
  return candidates.filter((c, i) => candidates.findIndex((d) => d.path === c.path) === i);
}

/** The default ONNX Runtime library for the loaded addon, or every place looked at. */
export function defaultRuntimeLibrary(addon: { path: string; origin: NativeOrigin }): {
  path?: string;
  source?: LibrarySource;
  tried: string[];
} {
  const tried: string[] = [];
  for (const c of defaultCandidates(addon)) {
    const problem = fileProblem(c.path);
    if (!problem) return { path: c.path, source: c.source, tried };
    tried.push(`${c.path} (${c.source}): ${problem === 'missing' ? 'not found' : `expected a regular file, received ${problem}`}`);
  }
  return { tried };
}

let state: { binding: NativeBinding; info: RuntimeInfo } | undefined;

function toInfo(n: NativeRuntimeInfo, source: LibrarySource, addonPath: string): RuntimeInfo {
  return {
    ortVersion: n.version,
    apiVersion: n.apiVersion,
    libraryPath: n.libraryPath,
    librarySource: source,
    addonPath,
    providers: n.availableProviders.map((p) => providerByAvailableName(p)?.short ?? p),
    ortProviders: n.availableProviders,
  };
}

/**
 * Loads ONNX Runtime. Optional: the first session loads the default library. Calling it again
 * with the same library is a no-op; another library after the first load throws ERR_NATIVE_LOAD.
 */
export function init(options: InitOptions = {}): RuntimeInfo {
  knownKeys(object(options, 'init options'), 'init options', ['runtimeLibrary', 'maxConcurrentRuns']);
  const fromEnv = process.env.ORTEX_MAX_CONCURRENT_RUNS;
  const limit =
    options.maxConcurrentRuns !== undefined
      ? integer(options.maxConcurrentRuns, 'maxConcurrentRuns', 1, 1024)
      : fromEnv
        ? integer(Number(fromEnv), 'ORTEX_MAX_CONCURRENT_RUNS', 1, 1024)
        : undefined;
  const info = loadRuntime(options);
  if (limit !== undefined) state!.binding.runQueue(limit);
  return info;
}

function loadRuntime(options: InitOptions): RuntimeInfo {
  let path: string | undefined;
  let source: LibrarySource;
  if (options.runtimeLibrary !== undefined) {
    if (typeof options.runtimeLibrary !== 'string' || options.runtimeLibrary === '')
      throw invalid('ERR_INVALID_ARGUMENT', 'runtimeLibrary', 'a file path', describe(options.runtimeLibrary));
    path = resolve(options.runtimeLibrary);
    source = 'init';
  } else if (process.env.ORTEX_ORT_LIB) {
    path = resolve(process.env.ORTEX_ORT_LIB);
    source = 'ORTEX_ORT_LIB';
  } else {
    if (state) return state.info;
    const addon = loadNative();
    const found = defaultRuntimeLibrary(addon);
    if (!found.path || !found.source) {
      const file = libraryFile() ?? 'libonnxruntime';
      throw new OrtexError(
        'ERR_NATIVE_LOAD',
        `cannot find the ONNX Runtime library for ${platformId()} (the addon loaded from ${addon.path}). Looked at:\n  ${found.tried.map((t, i) => `${i + 1}. ${t}`).join('\n  ') || '(nothing: no ONNX Runtime file name is known for this OS)'}\n` +
          `Fix: reinstall ortex on this system so that its platform package comes with it (npm install --include=optional ortex), ` +
          `or set ORTEX_ORT_LIB=/path/to/${file} (an ONNX Runtime >= 1.29), or call init({ runtimeLibrary }).`,
        { details: { tried: found.tried } },
      );
    }
    path = found.path;
    source = found.source;
  }
  if (state) {
    if (state.info.libraryPath === path) return state.info;
    throw new OrtexError(
      'ERR_NATIVE_LOAD',
      `ONNX Runtime is already loaded from ${state.info.libraryPath} (${state.info.librarySource}); it cannot be replaced by ${path} in this process. Call init() before creating any session.`,
    );
  }
  const { binding, path: addonPath } = loadNative();
  const problem = fileProblem(path);
  if (problem) {
    const setting = source === 'init' ? 'runtimeLibrary' : source === 'ORTEX_ORT_LIB' ? 'ORTEX_ORT_LIB' : undefined;
    const fix = setting ? `point ${setting} at an existing libonnxruntime, or unset it to use the default` : 'reinstall ortex';
    throw new OrtexError(
      'ERR_NATIVE_LOAD',
      problem === 'missing'
        ? `the ONNX Runtime library ${path} (from ${source}) does not exist. Fix: ${fix}.`
        : `expected a regular file for ${setting ?? 'the ONNX Runtime library'}, received ${problem}: ${path}. Fix: ${fix}.`,
    );
  }
  let native: NativeRuntimeInfo;
  try {
    native = binding.init(path);
  } catch (e) {
    throw fromNative(e, 'ERR_NATIVE_LOAD', `cannot load ONNX Runtime from ${path} (${source})`);
  }
  state = { binding, info: toInfo(native, source, addonPath) };
  if (logLevel !== DEFAULT_LOG_LEVEL) applyLogLevel(binding, logLevel);
  return state.info;
}

/** The level the environment is created with (ORT_LOGGING_LEVEL_WARNING, native/ort_runtime.cc). */
const DEFAULT_LOG_LEVEL = 2;
let logLevel = DEFAULT_LOG_LEVEL;

function applyLogLevel(b: NativeBinding, level: number): void {
  try {
    b.setLogLevel(level);
  } catch (e) {
    throw fromNative(e, 'ERR_RUNTIME');
  }
}

/**
 * Sets ONNX Runtime's default log level (0 verbose, 1 info, 2 warning, 3 error, 4 fatal): now if
 * the runtime is loaded, else when it loads. The environment is process-wide: the level applies
 * to every thread's sessions, except where a session or run sets its own `logSeverityLevel`.
 */
export function setRuntimeLogLevel(level: 0 | 1 | 2 | 3 | 4): void {
  logLevel = level;
  if (state) applyLogLevel(state.binding, level);
}

/** The loaded binding, loading the default runtime on first use. */
export function binding(): NativeBinding {
  if (!state) init();
  return state!.binding;
}

/** Facts about the loaded runtime (loads the default one if nothing is loaded yet). */
export function runtimeInfo(): RuntimeInfo {
  if (!state) init();
  return { ...state!.info, providers: [...state!.info.providers], ortProviders: [...state!.info.ortProviders] };
}
