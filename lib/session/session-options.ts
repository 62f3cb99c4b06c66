/** Session options: the public, typed shape and its validation into the addon's flat form. */
import { statSync, realpathSync } from 'node:fs';
import { describe, invalid } from '../base/errors.js';
import type { NativeNormalizedOptions } from '../native/binding.js';
import { PROVIDERS, providerByShort } from '../native/provider-names.js';
import { providerOptionPairs, type ExecutionProviderConfig } from '../providers/options.js';

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
const EXEC_MODES = { sequential: 0, parallel: 1 } as const;
const KNOWN_KEYS = new Set([
  'executionProviders', 'intraOpNumThreads', 'interOpNumThreads', 'graphOptimizationLevel', 'executionMode',
  'enableCpuMemArena', 'enableMemPattern', 'logSeverityLevel', 'logVerbosityLevel', 'logId', 'enableProfiling',
  'profileFilePrefix', 'optimizedModelFilePath', 'freeDimensionOverrides', 'freeDimensionOverridesByDenotation',
  'configEntries', 'extra', 'inlineThresholdUs', 'copyOutputsBelowBytes', 'externalDataDirectory',
]);

function threads(v: unknown, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1024) throw invalid('ERR_INVALID_ARGUMENT', what, 'an integer from 0 to 1024', describe(v));
  return v;
}

function bool(v: unknown, what: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw invalid('ERR_INVALID_ARGUMENT', what, 'a boolean', describe(v));
  return v;
}

function str(v: unknown, what: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid('ERR_INVALID_ARGUMENT', what, 'a string', describe(v));
  return v;
}

function oneOf<T extends Record<string, number>>(v: unknown, table: T, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(v in table)) throw invalid('ERR_INVALID_ARGUMENT', what, `one of ${Object.keys(table).join(', ')}`, describe(v));
  return table[v as keyof T];
}

function dimPairs(v: unknown, what: string): [string, string][] | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid('ERR_INVALID_ARGUMENT', what, 'an object of dimension name → size', describe(v));
  return Object.entries(v).map(([k, n]) => {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalid('ERR_INVALID_ARGUMENT', `${what}.${k}`, 'a non-negative integer', describe(n));
    return [k, String(n)];
  });
}

function flattenConfig(prefix: string, v: unknown, out: [string, string][]): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, child] of Object.entries(v)) flattenConfig(prefix ? `${prefix}.${k}` : k, child, out);
  } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
    out.push([prefix, String(v)]);
  } else {
    throw invalid('ERR_INVALID_ARGUMENT', `config entry ${prefix}`, 'a string, number or boolean', describe(v));
  }
}

function providerOptionValue(v: unknown, what: string): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return v;
  throw invalid('ERR_INVALID_ARGUMENT', what, 'a string, finite number or boolean', describe(v));
}

export function normalizeProviders(eps: unknown): NativeNormalizedOptions['executionProviders'] {
  if (eps === undefined) return undefined;
  if (!Array.isArray(eps)) throw invalid('ERR_INVALID_ARGUMENT', 'executionProviders', 'an array of provider names or { name, ... } objects', describe(eps));
  return eps.map((ep: unknown, i: number) => {
    const what = `executionProviders[${i}]`;
    const config = (typeof ep === 'string' ? { name: ep } : ep) as Record<string, unknown> | null;
    if (config === null || typeof config !== 'object' || typeof config.name !== 'string') {
      throw invalid('ERR_INVALID_ARGUMENT', what, 'a provider name or { name, ... }', describe(ep));
    }
    const known = providerByShort(config.name);
    if (!known) throw invalid('ERR_INVALID_ARGUMENT', `${what}.name`, `one of ${PROVIDERS.map((p) => p.short).join(', ')}`, describe(config.name));
    if (config.onFailure !== undefined && config.onFailure !== 'error' && config.onFailure !== 'fallback') {
      throw invalid('ERR_INVALID_ARGUMENT', `${what}.onFailure`, "'error' or 'fallback'", describe(config.onFailure));
    }
    const options = providerOptionPairs(known.short, config, what);
    if (config.options !== undefined) {
      if (typeof config.options !== 'object' || config.options === null) throw invalid('ERR_INVALID_ARGUMENT', `${what}.options`, 'an object', describe(config.options));
      for (const [k, v] of Object.entries(config.options)) options.push([k, providerOptionValue(v, `${what}.options.${k}`)]);
    }
    return { name: known.append, options, fallback: config.onFailure === 'fallback' };
  });
}

/** An existing directory, as its real absolute path (links resolved once, here). */
function directory(v: unknown, what: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw invalid('ERR_INVALID_ARGUMENT', what, 'the path of an existing directory', describe(v));
  let real: string;
  try {
    real = realpathSync(v);
    if (!statSync(real).isDirectory()) throw new Error('not a directory');
  } catch {
    throw invalid('ERR_INVALID_ARGUMENT', what, 'the path of an existing directory', describe(v));
  }
  return real;
}

/** Validates options and converts them to the addon's flat form. */
export interface Scheduling {
  inlineThresholdUs: number;
  copyOutputsBelowBytes: number;
}

export function normalizeSessionOptions(options: SessionOptions | undefined): { native: NativeNormalizedOptions } & Scheduling {
  if (options === undefined) return { native: {}, inlineThresholdUs: 250, copyOutputsBelowBytes: 4096 };
  if (typeof options !== 'object' || options === null) throw invalid('ERR_INVALID_ARGUMENT', 'session options', 'an object', describe(options));
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.has(key)) throw invalid('ERR_INVALID_ARGUMENT', 'session options', `only known keys (${[...KNOWN_KEYS].join(', ')})`, `unknown key "${key}"`);
  }
  const o = options as Record<string, unknown>;
  const native: NativeNormalizedOptions = {};
  const set = <K extends keyof NativeNormalizedOptions>(k: K, v: NativeNormalizedOptions[K] | undefined) => {
    if (v !== undefined) native[k] = v;
  };
  set('intraOpNumThreads', threads(o.intraOpNumThreads, 'intraOpNumThreads'));
  set('interOpNumThreads', threads(o.interOpNumThreads, 'interOpNumThreads'));
  set('graphOptimizationLevel', oneOf(o.graphOptimizationLevel, OPT_LEVELS, 'graphOptimizationLevel'));
  set('executionMode', oneOf(o.executionMode, EXEC_MODES, 'executionMode'));
  set('enableCpuMemArena', bool(o.enableCpuMemArena, 'enableCpuMemArena'));
  set('enableMemPattern', bool(o.enableMemPattern, 'enableMemPattern'));
  if (o.logSeverityLevel !== undefined) {
    if (![0, 1, 2, 3, 4].includes(o.logSeverityLevel as number)) throw invalid('ERR_INVALID_ARGUMENT', 'logSeverityLevel', 'an integer from 0 to 4', describe(o.logSeverityLevel));
    native.logSeverityLevel = o.logSeverityLevel as number;
  }
  set('logVerbosityLevel', threads(o.logVerbosityLevel, 'logVerbosityLevel'));
  set('logId', str(o.logId, 'logId'));
  set('enableProfiling', bool(o.enableProfiling, 'enableProfiling'));
  set('profileFilePrefix', str(o.profileFilePrefix, 'profileFilePrefix'));
  set('optimizedModelFilePath', str(o.optimizedModelFilePath, 'optimizedModelFilePath'));
  set('freeDimensionOverrides', dimPairs(o.freeDimensionOverrides, 'freeDimensionOverrides'));
  set('freeDimensionOverridesByDenotation', dimPairs(o.freeDimensionOverridesByDenotation, 'freeDimensionOverridesByDenotation'));
  const entries: [string, string][] = [];
  if (o.configEntries !== undefined) {
    if (typeof o.configEntries !== 'object' || o.configEntries === null) throw invalid('ERR_INVALID_ARGUMENT', 'configEntries', 'an object of string values', describe(o.configEntries));
    for (const [k, v] of Object.entries(o.configEntries)) flattenConfig(k, v, entries);
  }
  if (o.extra !== undefined) flattenConfig('', o.extra, entries);
  if (entries.length) native.configEntries = entries;
  set('executionProviders', normalizeProviders(o.executionProviders));
  set('externalDataDirectory', directory(o.externalDataDirectory, 'externalDataDirectory'));
  let inlineThresholdUs = 250;
  if (o.inlineThresholdUs !== undefined) {
    if (typeof o.inlineThresholdUs !== 'number' || !(o.inlineThresholdUs >= 0)) throw invalid('ERR_INVALID_ARGUMENT', 'inlineThresholdUs', 'a non-negative number', describe(o.inlineThresholdUs));
    inlineThresholdUs = o.inlineThresholdUs;
  }
  let copyOutputsBelowBytes = 4096;
  if (o.copyOutputsBelowBytes !== undefined) {
    if (typeof o.copyOutputsBelowBytes !== 'number' || !Number.isSafeInteger(o.copyOutputsBelowBytes) || o.copyOutputsBelowBytes < 0) {
      throw invalid('ERR_INVALID_ARGUMENT', 'copyOutputsBelowBytes', 'a non-negative integer', describe(o.copyOutputsBelowBytes));
    }
    copyOutputsBelowBytes = o.copyOutputsBelowBytes;
  }
  return { native, inlineThresholdUs, copyOutputsBelowBytes };
}
