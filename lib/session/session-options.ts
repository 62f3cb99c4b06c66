/** Session options: the public, typed shape and its validation into the addon's flat form. */
import { realpathSync, statSync } from 'node:fs';
import { describe, invalid } from '../base/errors.js';
import { boolean, integer, isPlainObject, knownKeys, nonNegativeNumber, object, oneOf, string } from '../base/validate.js';
import type { NativeNormalizedOptions } from '../native/binding.js';
import { configEntries } from './config-entries.js';
import { normalizeProviders, type ExecutionProviderConfig } from '../providers/options.js';

export type { ExecutionProviderConfig } from '../providers/options.js';

/** A provider's short name ('cuda', 'cpu', ...) or its typed configuration. */
export type ExecutionProvider = string | ExecutionProviderConfig;

export interface SessionOptions {
  /** In priority order; CPU is always the last resort. Default ['cpu']. */
  executionProviders?: readonly ExecutionProvider[];
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  executionMode?: 'sequential' | 'parallel';
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  /** 0 verbose, 1 info, 2 warning, 3 error, 4 fatal. */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  logVerbosityLevel?: number;
  logId?: string;
  enableProfiling?: boolean;
  profileFilePrefix?: string;
  optimizedModelFilePath?: string;
  /** Fixes symbolic dimensions by name, e.g. { batch: 1 }: ORT then plans memory for that size. */
  freeDimensionOverrides?: Record<string, number>;
  freeDimensionOverridesByDenotation?: Record<string, number>;
  /** Raw session config entries (onnxruntime_session_options_config_keys.h). */
  configEntries?: Record<string, string>;
  /** onnxruntime-common's spelling of config entries: { session: { 'use_ort_model_bytes_directly': '1' } }. */
  extra?: Record<string, unknown>;
  /**
   * onnxruntime-common's output placement: 'cpu' (the default, and the only value for a whole
   * session here; keep outputs on a GPU per run with the run option `outputLocation: 'gpu'`).
   */
  preferredOutputLocation?: 'cpu' | Record<string, 'cpu'>;
  /** onnxruntime-common's flag; accepted and ignored, as onnxruntime-node does. */
  enableGraphCapture?: boolean;
  /**
   * Runs whose measured duration is below this stay on the JS thread (a thread hop costs more);
   * longer ones run on the libuv pool. 0 disables inline runs. Default 250 µs.
   */
  inlineThresholdUs?: number;
  /**
   * Outputs smaller than this many bytes are copied into V8 memory; larger ones are handed over
   * without a copy (external ArrayBuffers over ORT's memory). Below a few KiB the copy is cheaper
   * than tracking an external buffer through GC. 0 = never copy. Default 4096.
   */
  copyOutputsBelowBytes?: number;
  /**
   * The folder that holds the model's external data files (tensors stored outside the .onnx
   * file). A model given as bytes reads no files unless this is set; a model given as a path
   * reads them from its own folder unless this names another. ONNX Runtime refuses locations
   * that leave the folder (`../`, absolute paths, symbolic links out of it). See docs/safety.md.
   */
  externalDataDirectory?: string;
}

const OPT_LEVELS = { disabled: 0, basic: 1, extended: 2, layout: 3, all: 99 } as const;
const OPT_LEVEL_NAMES = Object.keys(OPT_LEVELS) as (keyof typeof OPT_LEVELS)[];
const EXEC_MODES = { sequential: 0, parallel: 1 } as const;
const EXEC_MODE_NAMES = Object.keys(EXEC_MODES) as (keyof typeof EXEC_MODES)[];
const KNOWN_KEYS = new Set([
  'executionProviders',
  'intraOpNumThreads',
  'interOpNumThreads',
  'graphOptimizationLevel',
  'executionMode',
  'enableCpuMemArena',
  'enableMemPattern',
  'logSeverityLevel',
  'logVerbosityLevel',
  'logId',
  'enableProfiling',
  'profileFilePrefix',
  'optimizedModelFilePath',
  'freeDimensionOverrides',
  'freeDimensionOverridesByDenotation',
  'configEntries',
  'extra',
  'inlineThresholdUs',
  'copyOutputsBelowBytes',
  'preferredOutputLocation',
  'enableGraphCapture',
  'externalDataDirectory',
]);

/** onnxruntime-common keys ortex does not take, and what to do instead. */
const UNSUPPORTED: Record<string, string> = {
  externalData:
    'in-memory external data is not supported: create the session from the model file path (external data files beside it are found)',
};

/** preferredOutputLocation: 'cpu', or an object naming outputs → 'cpu'. */
function checkOutputLocation(v: unknown): void {
  const what = 'preferredOutputLocation';
  const expected = "'cpu' (for outputs in GPU memory use the run option outputLocation: 'gpu')";
  if (v === 'cpu') return;
  if (!isPlainObject(v)) throw invalid('ERR_INVALID_ARGUMENT', what, expected, describe(v));
  for (const [k, loc] of Object.entries(v))
    if (loc !== 'cpu') throw invalid('ERR_INVALID_ARGUMENT', `${what}.${k}`, expected, describe(loc));
}

function dimPairs(v: unknown, what: string): [string, string][] {
  if (!isPlainObject(v)) throw invalid('ERR_INVALID_ARGUMENT', what, 'an object of dimension name → size', describe(v));
  return Object.entries(v).map(([k, n]) => [k, String(integer(n, `${what}.${k}`, 0))]);
}

/** An existing directory, as its real absolute path (links resolved once, here). */
function directory(v: unknown, what: string): string {
  const expected = 'the path of an existing directory';
  if (typeof v !== 'string' || v === '') throw invalid('ERR_INVALID_ARGUMENT', what, expected, describe(v));
  try {
    const real = realpathSync(v);
    if (statSync(real).isDirectory()) return real;
  } catch {
    // missing or unreadable: refused below
  }
  throw invalid('ERR_INVALID_ARGUMENT', what, expected, describe(v));
}

/** Validates options and converts them to the addon's flat form. */
export interface Scheduling {
  inlineThresholdUs: number;
  copyOutputsBelowBytes: number;
}

export function normalizeSessionOptions(options: SessionOptions | undefined): { native: NativeNormalizedOptions } & Scheduling {
  if (options === undefined) return { native: {}, inlineThresholdUs: 250, copyOutputsBelowBytes: 4096 };
  const o = object(options, 'session options');
  for (const k of Object.keys(o)) {
    if (Object.hasOwn(UNSUPPORTED, k) && o[k] !== undefined)
      throw invalid('ERR_INVALID_ARGUMENT', 'session options', 'options ortex supports', `${k}: ${UNSUPPORTED[k]}`);
  }
  knownKeys(o, 'session options', KNOWN_KEYS);
  if (o.preferredOutputLocation !== undefined) checkOutputLocation(o.preferredOutputLocation);
  if (o.enableGraphCapture !== undefined) boolean(o.enableGraphCapture, 'enableGraphCapture');
  const native: NativeNormalizedOptions = {};
  /** Sets `native[k]` to `check(o[k])` when the option is given. */
  const set = <K extends keyof NativeNormalizedOptions>(k: K, check: (v: unknown, what: string) => NativeNormalizedOptions[K]) => {
    const v = o[k];
    if (v !== undefined) native[k] = check(v, k);
  };
  const threads = (v: unknown, what: string) => integer(v, what, 0, 1024);
  set('intraOpNumThreads', threads);
  set('interOpNumThreads', threads);
  set('graphOptimizationLevel', (v, what) => OPT_LEVELS[oneOf(v, what, OPT_LEVEL_NAMES)]);
  set('executionMode', (v, what) => EXEC_MODES[oneOf(v, what, EXEC_MODE_NAMES)]);
  set('enableCpuMemArena', boolean);
  set('enableMemPattern', boolean);
  set('logSeverityLevel', (v, what) => integer(v, what, 0, 4));
  set('logVerbosityLevel', threads);
  set('logId', string);
  set('enableProfiling', boolean);
  set('profileFilePrefix', string);
  set('optimizedModelFilePath', string);
  set('freeDimensionOverrides', dimPairs);
  set('freeDimensionOverridesByDenotation', dimPairs);
  const entries = configEntries(o.configEntries, o.extra, 'configEntries');
  if (entries.length) native.configEntries = entries;
  set('executionProviders', normalizeProviders);
  set('externalDataDirectory', directory);
  const inlineThresholdUs = o.inlineThresholdUs === undefined ? 250 : nonNegativeNumber(o.inlineThresholdUs, 'inlineThresholdUs');
  const copyOutputsBelowBytes = o.copyOutputsBelowBytes === undefined ? 4096 : integer(o.copyOutputsBelowBytes, 'copyOutputsBelowBytes', 0);
  return { native, inlineThresholdUs, copyOutputsBelowBytes };
}
