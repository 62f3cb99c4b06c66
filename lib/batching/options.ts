/** Batcher options: the public, documented shape and its validation (one message template). */
import { describe, invalid } from '../base/errors.js';
import type { PaddingPolicy } from './layout.js';
import type { RunOptions } from '../session/session.js';
import type { SessionOptions } from '../session/session-options.js';

/** Run options applied to every batch the batcher runs (per-request ones cannot apply to a shared batch). */
export type BatchSessionRunOptions = Pick<RunOptions, 'mode' | 'tag' | 'logSeverityLevel' | 'logVerbosityLevel' | 'configEntries'>;

/** Options of a {@link Batcher}. Every field is optional. */
export interface BatcherOptions {
  /**
   * Most rows (samples along the batch axis) in one batch. Default 32. A request of k rows counts
   * k; a request larger than this is split or rejected (`oversize`).
   */
  maxBatchSize?: number;
  /**
   * How long the oldest queued request may wait for company before its batch runs anyway, in ms.
   * Default 0: a batch forms from whatever is queued as soon as a run slot is free (requests that
   * arrive in the same event-loop turn, or while every slot is busy, still share a batch).
   */
  maxQueueDelayMs?: number;
  /**
   * Batch sizes to prefer (ascending or not): when the queue holds at least one of them, the
   * largest reachable runs at once; otherwise the batch waits up to `maxQueueDelayMs`.
   * Each must be at most `maxBatchSize`.
   */
  preferredBatchSizes?: readonly number[];
  /**
   * Most rows waiting in the queue; a request that does not fit is rejected with ERR_QUEUE_FULL.
   * Default 4096 (at least 4 × maxBatchSize). `Infinity` disables the limit.
   */
  maxQueueSize?: number;
  /**
   * Most batches running at once. Default: the pool's size for a {@link SessionPool}; for one
   * session made by {@link Batcher.create} with `sessionOptions.intraOpNumThreads` ≥ 1,
   * `cores ÷ intraOpNumThreads`; otherwise 1 (raise it on a multi-core machine when the session
   * runs single-threaded: ORT runs concurrent calls of one session in parallel). In a closed loop
   * of C callers, `maxBatchSize ≈ C ÷ maxInflightBatches` keeps every slot busy.
   */
  maxInflightBatches?: number;
  /**
   * Axis along which requests are merged, the same for every input and output. Default 0, which
   * requires a symbolic or unknown size at axis 0 of every input and output (else the
   * constructor throws ERR_INVALID_ARGUMENT). `null`: never merge — requests are queued, timed
   * out, prioritised and scheduled onto the target, but each runs alone.
   */
  batchAxis?: number | null;
  /**
   * A request with more rows than `maxBatchSize`: `'split'` (default) into parts that are run and
   * reassembled, or `'reject'` (ERR_INVALID_INPUT).
   */
  oversize?: 'split' | 'reject';
  /** Opt-in padding of one dynamic axis; see {@link PaddingPolicy}. */
  padding?: PaddingPolicy;
  /** Default queue timeout of every request in ms (see {@link BatchRunOptions.timeoutMs}). Default: none. */
  timeoutMs?: number;
  /** Priority levels, 0 the most urgent. Default 1 (everything in order of arrival). */
  priorityLevels?: number;
  /** Priority of requests that give none. Default 0. */
  defaultPriority?: number;
  /**
   * Run options for every batch. Default `{ mode: 'async' }`: batches run off the JS thread, so
   * the next one forms (and starts, with more than one in flight) meanwhile; `mode: 'auto'` lets
   * ortex run tiny batches inline on the JS thread instead.
   */
  runOptions?: BatchSessionRunOptions;
  /** The batcher releases its target (session or pool) when it closes. Default false; true for {@link Batcher.create}. */
  ownsTarget?: boolean;
}

/** Options of {@link Batcher.create}: the batcher's, plus how to build its session or pool. */
export interface BatcherCreateOptions extends BatcherOptions {
  /** Options for the session(s); see {@link SessionPoolOptions.sessionOptions} for a pool's defaults. */
  sessionOptions?: SessionOptions;
  /** Sessions to create: 1 (default) makes one InferenceSession, more make a SessionPool. */
  poolSize?: number;
}

/** Per-request options of `Batcher.run()`. */
export interface BatchRunOptions {
  /**
   * Cancels the request: it rejects with ERR_ABORTED. A queued request leaves the queue; one
   * already merged into a running batch is answered at once and its rows are discarded, while
   * the batch runs on for the other requests.
   */
  signal?: AbortSignal;
  /**
   * Longest wait in the queue, in ms: a request still queued after it is dropped and rejects
   * with ERR_TIMEOUT. Once its batch starts, the request is answered when the batch completes.
   */
  timeoutMs?: number;
  /** Like `timeoutMs`, as an absolute time in ms since the epoch (Date.now() scale). The earlier of the two applies. */
  deadline?: number;
  /** Priority level, 0 (most urgent) to priorityLevels − 1. Default: the batcher's defaultPriority. */
  priority?: number;
}

/** @internal Options with every default applied. */
export interface ResolvedBatcherOptions {
  maxBatchSize: number;
  maxQueueDelayMs: number;
  preferredBatchSizes: number[];
  maxQueueSize: number;
  maxInflightBatches: number | undefined;
  batchAxis: number | null;
  oversize: 'split' | 'reject';
  padding: PaddingPolicy | undefined;
  timeoutMs: number;
  priorityLevels: number;
  defaultPriority: number;
  runOptions: BatchSessionRunOptions | undefined;
  ownsTarget: boolean;
}

const KEYS = new Set([
  'maxBatchSize',
  'maxQueueDelayMs',
  'preferredBatchSizes',
  'maxQueueSize',
  'maxInflightBatches',
  'batchAxis',
  'oversize',
  'padding',
  'timeoutMs',
  'priorityLevels',
  'defaultPriority',
  'runOptions',
  'ownsTarget',
]);
const RUN_KEYS = new Set(['mode', 'tag', 'logSeverityLevel', 'logVerbosityLevel', 'configEntries']);

function int(v: unknown, what: string, min: number, max: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw invalid('ERR_INVALID_ARGUMENT', what, `an integer from ${min} to ${max}`, describe(v));
  return v;
}

function ms(v: unknown, what: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v >= 0)) throw invalid('ERR_INVALID_ARGUMENT', what, 'a non-negative number of milliseconds', describe(v));
  return v;
}

/** @internal Validates options and applies defaults. */
export function resolveBatcherOptions(o: BatcherOptions | undefined, extraKeys: readonly string[] = []): ResolvedBatcherOptions {
  if (o === undefined) o = {};
  if (o === null || typeof o !== 'object') throw invalid('ERR_INVALID_ARGUMENT', 'Batcher options', 'an object', describe(o));
  for (const k of Object.keys(o)) {
    if (!KEYS.has(k) && !extraKeys.includes(k))
      throw invalid(
        'ERR_INVALID_ARGUMENT',
        'Batcher options',
        `only known keys (${[...KEYS, ...extraKeys].join(', ')})`,
        `unknown key "${k}"`,
      );
  }
  const maxBatchSize = int(o.maxBatchSize, 'Batcher option maxBatchSize', 1, 2 ** 31 - 1, 32);
  let preferred: number[] = [];
  if (o.preferredBatchSizes !== undefined) {
    if (!Array.isArray(o.preferredBatchSizes))
      throw invalid(
        'ERR_INVALID_ARGUMENT',
        'Batcher option preferredBatchSizes',
        'an array of batch sizes',
        describe(o.preferredBatchSizes),
      );
    preferred = o.preferredBatchSizes.map((v, i) => int(v, `Batcher option preferredBatchSizes[${i}]`, 1, maxBatchSize, 0));
    preferred = [...new Set(preferred)].sort((a, b) => b - a); // largest first
  }
  let maxQueueSize = Math.max(4096, 4 * maxBatchSize);
  if (o.maxQueueSize !== undefined) {
    if (o.maxQueueSize !== Infinity) int(o.maxQueueSize, 'Batcher option maxQueueSize', 1, Number.MAX_SAFE_INTEGER, 0);
    maxQueueSize = o.maxQueueSize;
  }
  let batchAxis: number | null = 0;
  if (o.batchAxis !== undefined) batchAxis = o.batchAxis === null ? null : int(o.batchAxis, 'Batcher option batchAxis', 0, 63, 0);
  if (o.oversize !== undefined && o.oversize !== 'split' && o.oversize !== 'reject')
    throw invalid('ERR_INVALID_ARGUMENT', 'Batcher option oversize', "'split' or 'reject'", describe(o.oversize));
  const priorityLevels = int(o.priorityLevels, 'Batcher option priorityLevels', 1, 64, 1);
  const defaultPriority = int(o.defaultPriority, 'Batcher option defaultPriority', 0, priorityLevels - 1, 0);
  let runOptions: BatchSessionRunOptions | undefined;
  if (o.runOptions !== undefined) {
    if (o.runOptions === null || typeof o.runOptions !== 'object')
      throw invalid('ERR_INVALID_ARGUMENT', 'Batcher option runOptions', 'an object', describe(o.runOptions));
    for (const k of Object.keys(o.runOptions)) {
      if (!RUN_KEYS.has(k))
        throw invalid(
          'ERR_INVALID_ARGUMENT',
          'Batcher option runOptions',
          `only run options that apply to a whole batch (${[...RUN_KEYS].join(', ')})`,
          `key '${k}'`,
        );
    }
    runOptions = o.runOptions;
  }
  if (o.ownsTarget !== undefined && typeof o.ownsTarget !== 'boolean')
    throw invalid('ERR_INVALID_ARGUMENT', 'Batcher option ownsTarget', 'a boolean', describe(o.ownsTarget));
  return {
    maxBatchSize,
    maxQueueDelayMs: ms(o.maxQueueDelayMs, 'Batcher option maxQueueDelayMs', 0),
    preferredBatchSizes: preferred,
    maxQueueSize,
    maxInflightBatches:
      o.maxInflightBatches === undefined ? undefined : int(o.maxInflightBatches, 'Batcher option maxInflightBatches', 1, 1024, 1),
    batchAxis,
    oversize: o.oversize ?? 'split',
    padding: o.padding,
    timeoutMs: ms(o.timeoutMs, 'Batcher option timeoutMs', Infinity),
    priorityLevels,
    defaultPriority,
    runOptions,
    ownsTarget: o.ownsTarget ?? false,
  };
}

const REQUEST_KEYS = new Set(['signal', 'timeoutMs', 'deadline', 'priority']);
const SESSION_ONLY = new Set(['tag', 'mode', 'logSeverityLevel', 'logVerbosityLevel', 'configEntries', 'terminate', 'extra']);

/** @internal Validates per-request options (ERR_INVALID_ARGUMENT, naming session-only keys). */
export function checkRunOptions(o: BatchRunOptions, levels: number): void {
  if (o === null || typeof o !== 'object') throw invalid('ERR_INVALID_ARGUMENT', 'Batcher.run options', 'an object', describe(o));
  for (const k of Object.keys(o)) {
    if (REQUEST_KEYS.has(k)) continue;
    if (SESSION_ONLY.has(k)) {
      throw invalid(
        'ERR_INVALID_ARGUMENT',
        'Batcher.run options',
        'per-request options (signal, timeoutMs, deadline, priority)',
        `'${k}', a session run option that would apply to a whole batch: set it in the Batcher's runOptions`,
      );
    }
    throw invalid(
      'ERR_INVALID_ARGUMENT',
      'Batcher.run options',
      'per-request options (signal, timeoutMs, deadline, priority)',
      `key '${k}'`,
    );
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal))
    throw invalid('ERR_INVALID_ARGUMENT', 'Batcher.run option signal', 'an AbortSignal', describe(o.signal));
  if (o.timeoutMs !== undefined && !(typeof o.timeoutMs === 'number' && o.timeoutMs >= 0))
    throw invalid('ERR_INVALID_ARGUMENT', 'Batcher.run option timeoutMs', 'a non-negative number of milliseconds', describe(o.timeoutMs));
  if (o.deadline !== undefined && !(typeof o.deadline === 'number' && Number.isFinite(o.deadline)))
    throw invalid('ERR_INVALID_ARGUMENT', 'Batcher.run option deadline', 'a time in ms since the epoch', describe(o.deadline));
  if (o.priority !== undefined) int(o.priority, 'Batcher.run option priority', 0, levels - 1, 0);
}
