/**
 * The one owner of run-option keys. Every key onnxruntime-common or ortex knows is declared once
 * here with where it applies:
 *
 * - `run`: `InferenceSession.run()` / `SessionPool.run()` options;
 * - `batch`: a Batcher's `runOptions`, applied to every batch it runs;
 * - `request`: `Batcher.run()` options, one request's own.
 *
 * A key given where it does not apply is rejected with a message saying where it belongs; a key
 * nobody knows is rejected as unknown. Nothing is silently ignored: onnxruntime-common's
 * `terminate` ends the run at once (ORT's own meaning: the run exits as soon as it sees the flag,
 * with an error) and `extra` adds run config entries (its nested spelling of `configEntries`).
 */
import { describe, invalid, OrtexError } from '../base/errors.js';
import { abortSignal, boolean, integer, isPlainObject, nonNegativeMs, oneOf, string, unknownKey } from '../base/validate.js';
import { configEntries } from './config-entries.js';

/** Options of `InferenceSession.run()` (onnxruntime-common's RunOptions, plus ortex's). */
export interface RunOptions {
  /** Cancels the run: it rejects with ERR_ABORTED (ORT stops at the next kernel boundary). */
  signal?: AbortSignal;
  tag?: string;
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  logVerbosityLevel?: number;
  /** Raw run config entries (onnxruntime_run_options_config_keys.h). */
  configEntries?: Record<string, string>;
  /** onnxruntime-common's spelling of run config entries: `{ memory: { enable_memory_arena_shrinkage: 'cpu:0' } }`. */
  extra?: Record<string, unknown>;
  /**
   * onnxruntime-common's flag: `true` ends the run at once with ERR_ABORTED (ORT exits a run whose
   * options carry it). To cancel a run already started, use `signal`.
   */
  terminate?: boolean;
  /**
   * 'auto' (default): tiny runs inline, others on the thread pool; 'async': always off the JS
   * thread; 'inline': always on the JS thread (blocks the event loop for the whole run).
   */
  mode?: 'auto' | 'async' | 'inline';
  /**
   * 'gpu': outputs stay in the memory of the session's GPU provider (cuda, tensorrt, webgpu) as
   * Tensors with location 'gpu', to feed later runs without a host round trip; read them with
   * `await tensor.download()`, free them with `dispose()`. Default 'cpu'.
   */
  outputLocation?: 'cpu' | 'gpu';
}

/** Where a run option applies. */
export type RunOptionScope = 'run' | 'batch' | 'request';

interface KeyRule {
  /** Scopes the key applies to. */
  readonly in: readonly RunOptionScope[];
  /** For the other scopes: where the key belongs instead (or why it cannot apply). */
  readonly elsewhere: Partial<Record<RunOptionScope, string>>;
}

const WHOLE_BATCH = "a run option of the whole batch: set it in the Batcher's runOptions";
const PER_REQUEST = 'an option of one Batcher request: pass it to batcher.run()';

/** Every run-option key, once. */
const RULES: Readonly<Record<string, KeyRule>> = {
  signal: { in: ['run', 'request'], elsewhere: { batch: PER_REQUEST } },
  tag: { in: ['run', 'batch'], elsewhere: { request: WHOLE_BATCH } },
  logSeverityLevel: { in: ['run', 'batch'], elsewhere: { request: WHOLE_BATCH } },
  logVerbosityLevel: { in: ['run', 'batch'], elsewhere: { request: WHOLE_BATCH } },
  configEntries: { in: ['run', 'batch'], elsewhere: { request: WHOLE_BATCH } },
  extra: { in: ['run', 'batch'], elsewhere: { request: WHOLE_BATCH } },
  mode: { in: ['run', 'batch'], elsewhere: { request: WHOLE_BATCH } },
  outputLocation: {
    in: ['run'],
    elsewhere: {
      batch: 'a session run option: a batch is split into requests on the CPU, so its outputs cannot stay on the GPU',
      request: 'a session run option: a batch is split into requests on the CPU, so its outputs cannot stay on the GPU',
    },
  },
  terminate: {
    in: ['run'],
    elsewhere: {
      batch: 'a session run option that would end every batch: cancel one request with its signal',
      request: 'a session run option that would end the whole batch: cancel this request with its signal',
    },
  },
  timeoutMs: {
    in: ['request'],
    elsewhere: { run: 'a Batcher request option (a session run does not queue): cancel a run with signal', batch: PER_REQUEST },
  },
  deadline: {
    in: ['request'],
    elsewhere: { run: 'a Batcher request option (a session run does not queue): cancel a run with signal', batch: PER_REQUEST },
  },
  priority: { in: ['request'], elsewhere: { run: 'a Batcher request option (a session run does not queue)', batch: PER_REQUEST } },
};

/** The keys that apply in `scope`, in declaration order. */
export function runOptionKeys(scope: RunOptionScope): readonly string[] {
  return KEYS_BY_SCOPE[scope];
}

const KEYS_BY_SCOPE: Record<RunOptionScope, readonly string[]> = {
  run: Object.keys(RULES).filter((k) => RULES[k]!.in.includes('run')),
  batch: Object.keys(RULES).filter((k) => RULES[k]!.in.includes('batch')),
  request: Object.keys(RULES).filter((k) => RULES[k]!.in.includes('request')),
};

/** True when `key` is a run option of any scope (used to tell run options from fetches). */
export function isRunOptionKey(key: string): boolean {
  return Object.hasOwn(RULES, key);
}

/**
 * Reads the own enumerable keys of `o` once each (getters run here and only here), rejecting keys
 * that do not apply in `scope` with where they belong.
 */
function readKeys(o: unknown, scope: RunOptionScope, what: string): Map<string, unknown> {
  if (!isPlainObject(o)) throw invalid('ERR_INVALID_ARGUMENT', what, 'an object', describe(o));
  const values = new Map<string, unknown>();
  for (const k of Object.keys(o)) {
    const rule = Object.hasOwn(RULES, k) ? RULES[k]! : undefined;
    if (rule === undefined) throw unknownKey(what, KEYS_BY_SCOPE[scope], k);
    if (!rule.in.includes(scope)) {
      throw invalid(
        'ERR_INVALID_ARGUMENT',
        what,
        `only known keys (${KEYS_BY_SCOPE[scope].join(', ')})`,
        `"${k}", ${rule.elsewhere[scope]}`,
      );
    }
    const v = o[k];
    if (v !== undefined) values.set(k, v);
  }
  return values;
}

const MODES = ['auto', 'async', 'inline'] as const;
const MODE_CODES = { auto: 0, async: 1, inline: 2 } as const;

/** Arguments of the addon's RunOptions constructor: tag, log severity, log verbosity, config entries. */
export type NativeRunOptionArgs = [string | undefined, number | undefined, number | undefined, [string, string][] | undefined];

/** Run options that apply to the native run (session `run` and batch scopes), validated. */
export interface SessionRunSettings {
  /** 0 auto, 1 async, 2 inline. */
  mode: number;
  signal: AbortSignal | undefined;
  /** 1 when outputs stay on the GPU. */
  outputLocation: 0 | 1;
  terminate: boolean;
  /** Arguments for the addon's RunOptions, or undefined when the run needs none. */
  native: NativeRunOptionArgs | undefined;
}

function parseNativeSettings(values: Map<string, unknown>, prefix: string): SessionRunSettings {
  const at = (k: string) => `${prefix}${k}`;
  let mode = 0;
  const m = values.get('mode');
  if (m !== undefined) mode = MODE_CODES[oneOf(m, at('mode'), MODES)];
  const loc = values.get('outputLocation');
  const outputLocation = loc !== undefined && oneOf(loc, at('outputLocation'), ['cpu', 'gpu']) === 'gpu' ? 1 : 0;
  const sig = values.get('signal');
  const signal = sig === undefined ? undefined : abortSignal(sig, at('signal'));
  const term = values.get('terminate');
  const terminate = term === undefined ? false : boolean(term, at('terminate'));
  const tag = values.has('tag') ? string(values.get('tag'), at('tag')) : undefined;
  const severity = values.has('logSeverityLevel') ? integer(values.get('logSeverityLevel'), at('logSeverityLevel'), 0, 4) : undefined;
  const verbosity = values.has('logVerbosityLevel') ? integer(values.get('logVerbosityLevel'), at('logVerbosityLevel'), 0) : undefined;
  const entries =
    values.has('configEntries') || values.has('extra')
      ? configEntries(values.get('configEntries'), values.get('extra'), at('configEntries'))
      : undefined;
  const needsNative =
    signal !== undefined || tag !== undefined || severity !== undefined || verbosity !== undefined || entries !== undefined;
  // A run that can be aborted must not hold the JS thread.
  if (signal !== undefined && mode === 0) mode = MODE_CODES.async;
  return {
    mode,
    signal,
    outputLocation,
    terminate,
    native: needsNative ? [tag, severity, verbosity, entries?.length ? entries : undefined] : undefined,
  };
}

/** Validates the options of `InferenceSession.run()`. */
export function parseRunOptions(o: unknown): SessionRunSettings {
  return parseNativeSettings(readKeys(o, 'run', 'run options'), 'run options ');
}

/** Validates a Batcher's `runOptions` (applied to every batch) and returns them as a plain, frozen object. */
export function checkBatchRunOptions(o: unknown): Readonly<RunOptions> {
  const values = readKeys(o, 'batch', 'Batcher option runOptions');
  parseNativeSettings(values, 'Batcher option runOptions.');
  return Object.freeze(Object.fromEntries(values)) as RunOptions;
}

/** Per-request options of `Batcher.run()`, validated. */
export interface RequestSettings {
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  deadline: number | undefined;
  priority: number | undefined;
}

/** Validates the options of `Batcher.run()`; `levels` is the Batcher's priorityLevels. */
export function parseRequestOptions(o: unknown, levels: number): RequestSettings {
  const values = readKeys(o, 'request', 'Batcher.run options');
  const sig = values.get('signal');
  const timeout = values.get('timeoutMs');
  const deadline = values.get('deadline');
  const priority = values.get('priority');
  if (deadline !== undefined && !(typeof deadline === 'number' && Number.isFinite(deadline)))
    throw invalid('ERR_INVALID_ARGUMENT', 'Batcher.run option deadline', 'a time in ms since the epoch', describe(deadline));
  return {
    signal: sig === undefined ? undefined : abortSignal(sig, 'Batcher.run option signal'),
    timeoutMs: timeout === undefined ? undefined : nonNegativeMs(timeout, 'Batcher.run option timeoutMs'),
    deadline: deadline as number | undefined,
    priority: priority === undefined ? undefined : integer(priority, 'Batcher.run option priority', 0, levels - 1),
  };
}

/** The error for a run started with `terminate: true`. */
export function terminatedError(): OrtexError {
  return new OrtexError('ERR_ABORTED', 'the run was terminated before it started (run option terminate: true)');
}
