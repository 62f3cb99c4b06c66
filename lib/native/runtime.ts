/**
 * Chooses and loads the ONNX Runtime shared library: init({ runtimeLibrary }) before first use,
 * else ORTEX_ORT_LIB, else the library shipped in the onnxruntime-node package for this platform.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, fromNative, invalid, OrtexError } from '../base/errors.js';
import { integer, knownKeys, object } from '../base/validate.js';
import { loadNative } from './loader.js';
import type { NativeBinding, NativeRuntimeInfo } from './binding.js';
import { providerByAvailableName } from './provider-names.js';

const require = createRequire(import.meta.url);

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

export interface RuntimeInfo {
  /** ONNX Runtime version string of the loaded library, e.g. "1.30.0". */
  ortVersion: string;
  /** ORT C API version ortex requested. */
  apiVersion: number;
  libraryPath: string;
  /** How the library was chosen. */
  librarySource: 'init' | 'ORTEX_ORT_LIB' | 'onnxruntime-node';
  addonPath: string;
  /** Providers compiled into the loaded library (short names where known, else ORT's names). */
  providers: string[];
  /** ORT's own provider names, as GetAvailableProviders() returned them. */
  ortProviders: string[];
}

const LIBRARY_FILE: Record<string, string> = {
  linux: 'libonnxruntime.so.1',
  darwin: 'libonnxruntime.1.dylib',
  win32: 'onnxruntime.dll',
};

/** The ORT library inside the onnxruntime-node package for this platform, or why there is none. */
export function defaultRuntimeLibrary(): { path?: string; problem?: string } {
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve('onnxruntime-node/package.json'));
  } catch {
    return { problem: 'the onnxruntime-node package is not installed (it is a dependency of ortex: reinstall)' };
  }
  const file = LIBRARY_FILE[process.platform];
  if (!file) return { problem: `onnxruntime-node ships no ONNX Runtime library for ${process.platform}` };
  const path = join(pkgDir, 'bin', 'napi-v6', process.platform, process.arch, file);
  if (!existsSync(path)) return { problem: `${path} does not exist (onnxruntime-node ships none for ${process.platform}-${process.arch})` };
  return { path };
}

let state: { binding: NativeBinding; info: RuntimeInfo } | undefined;

function toInfo(n: NativeRuntimeInfo, source: RuntimeInfo['librarySource'], addonPath: string): RuntimeInfo {
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
  let source: RuntimeInfo['librarySource'];
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
    const found = defaultRuntimeLibrary();
    if (!found.path) {
      throw new OrtexError(
        'ERR_NATIVE_LOAD',
        `cannot find the ONNX Runtime library: ${found.problem}. Fix: set ORTEX_ORT_LIB=/path/to/${LIBRARY_FILE[process.platform] ?? 'libonnxruntime'} or call init({ runtimeLibrary }).`,
      );
    }
    path = found.path;
    source = 'onnxruntime-node';
  }
  if (state) {
    if (state.info.libraryPath === path) return state.info;
    throw new OrtexError(
      'ERR_NATIVE_LOAD',
      `ONNX Runtime is already loaded from ${state.info.libraryPath} (${state.info.librarySource}); it cannot be replaced by ${path} in this process. Call init() before creating any session.`,
    );
  }
  const { binding, path: addonPath } = loadNative();
  if (!existsSync(path)) {
    throw new OrtexError(
      'ERR_NATIVE_LOAD',
      `the ONNX Runtime library ${path} (from ${source}) does not exist. Fix: point ${source === 'init' ? 'runtimeLibrary' : 'ORTEX_ORT_LIB'} at an existing libonnxruntime, or unset it to use onnxruntime-node's.`,
    );
  }
  let native: NativeRuntimeInfo;
  try {
    native = binding.init(path);
  } catch (e) {
    throw fromNative(e, 'ERR_NATIVE_LOAD', `cannot load ONNX Runtime from ${path} (${source})`);
  }
  state = { binding, info: toInfo(native, source, addonPath) };
  return state.info;
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
