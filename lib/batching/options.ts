/** Batcher options: the public, documented shape and its validation (one message template). */
import { describe, invalid } from '../base/errors.js';
import { boolean, integer, knownKeys, nonNegativeMs, object, oneOf } from '../base/validate.js';
import type { PaddingPolicy } from './layout.js';
import { SCHEDULE_NAMES } from './schedule.js';
import { checkBatchRunOptions, type RunOptions } from '../session/run-options.js';
import type { SessionOptions } from '../session/session-options.js';

/** Run options applied to every batch the batcher runs (per-request ones cannot apply to a shared batch). */
export type BatchSessionRunOptions = Pick<
  RunOptions,
  'mode' | 'tag' | 'logSeverityLevel' | 'logVerbosityLevel' | 'configEntries' | 'extra'
>;

/** Options of a {@link Batcher}. Every field is optional. */
export interface BatcherOptions {
  /**
   * Most rows (samples along the batch axis) in one batch, 1 to 1,048,576. Default 32 (with `Batcher.create`'s automatic session layout: 32 on the first layout, `32 × cores` on the candidate, whose runs use every core). A request of
   * k rows counts k; a request larger than this is split or rejected (`oversize`).
   */
  maxBatchSize?: number;
  /**
   * Fixed schedule: how long the oldest queued request may wait for company before its batch
   * runs anyway, in ms. Default 0: a batch forms from whatever is queued as soon as a run slot is
   * free (requests that arrive in the same event-loop turn, or while every slot is busy, still
   * share a batch). At most 60,000 (a minute); finite. Setting it selects the fixed schedule.
   */
  maxQueueDelayMs?: number;
  /**
   * Fixed schedule: batch sizes to prefer (ascending or not): when the queue holds at least one of
   * them, the largest reachable runs at once; otherwise the batch waits up to `maxQueueDelayMs`.
   * Each must be at most `maxBatchSize`. Setting it selects the fixed schedule.
   */
  preferredBatchSizes?: readonly number[];
  /**
   * Most rows waiting in the queue; a request that does not fit is rejected with ERR_QUEUE_FULL
   * (retry later). A single request larger than this can never fit and is rejected at once with
   * ERR_INVALID_INPUT (raise the limit, or send smaller requests); oversize requests up to it are
   * split. Default 4096 (at least 4 × maxBatchSize). `Infinity` disables the limit.
   */
  maxQueueSize?: number;
  /**
   * Most batches running at once. The fixed schedule keeps exactly this many slots (setting it
   * selects the fixed schedule); the adaptive one chooses up to it. Default: the target's
   * parallelism hint `P` for the fixed schedule — the pool's size for a {@link SessionPool}; for
   * one session with `sessionOptions.intraOpNumThreads` ≥ 1, `cores ÷ intraOpNumThreads`;
   * otherwise 1 — and `2P + 2` as the adaptive schedule's bound (it starts at `P`). With the fixed
   * schedule in a closed loop of C callers, `maxBatchSize ≈ C ÷ maxInflightBatches` keeps every
   * slot busy.
   */
  maxInflightBatches?: number;
  /**
   * Adaptive schedule: latency target in ms for a request, from queueing to result. The schedule
   * keeps each batch's predicted compute time within half of it, and prefers choices whose
   * measured mean latency meets it. It cannot make an overloaded model fast: requests still queue
   * when more arrive than the model serves within the target (bound that with `timeoutMs`).
   * Default: none (`Infinity`: the most throughput). Setting it with the fixed schedule is refused.
   */
  maxLatencyMs?: number;
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
  /**
   * What a request's `timeoutMs` / `deadline` covers. `'queue'` (default): the wait in the queue;
   * once its batch starts, the request is answered when the batch ends. `'request'`: the run as
   * well: a request still running at its deadline rejects with ERR_TIMEOUT then (on a batch that
   * can take 2 ms or more, at the deadline; on a shorter one, when it ends), and a batch none of
   * whose requests still waits is cancelled in the runtime (see cancel.ts).
   */
  timeoutScope?: 'queue' | 'request';
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
  /**
   * How batches are scheduled, by name. `'adaptive'` (the default): a lone request runs at once,
   * and batch size and batches in flight are chosen from measured throughput and latency (see
   * `stats().schedule`), up to `maxBatchSize` and the in-flight bound. `'fixed'`: what the
   * options say — up to `maxInflightBatches` in flight; a group runs when it is full, reaches a
   * preferred size, or its oldest request has waited `maxQueueDelayMs`. Default: `'fixed'` when
   * `maxQueueDelayMs` or `preferredBatchSizes` is given, or `maxInflightBatches` without
   * `maxLatencyMs`; else `'adaptive'`. An option of the other schedule is refused.
   */
  schedule?: 'adaptive' | 'fixed';
}

/** Options of {@link Batcher.create}: the batcher's, plus how to build its session or pool. */
export interface BatcherCreateOptions extends BatcherOptions {
  /** Options for the session(s); see {@link SessionPoolOptions.sessionOptions} for a pool's defaults. */
  sessionOptions?: SessionOptions;
  /** Sessions to create: 1 (default) makes one InferenceSession, more make a SessionPool. */
  poolSize?: number;
  /**
   * Who chooses how the sessions use the cores. `'auto'` (the default when nothing below pins it):
   * the batcher starts on one session with `intraOpNumThreads: 1` (each core computes a batch of
   * its own, several in flight) and, once its schedule has settled under saturating load,
   * creates a second session whose runs use every core, measures the two against each other in
   * alternating windows and keeps the faster (the other is released; no request is lost).
   * `stats().sessionLayout` reports the choice. Memory: the model is loaded twice while the
   * probe runs, and model bytes (not a path) are copied and kept until it decides. `'given'`: the
   * session is made as `sessionOptions` say (ORT's default threads when they say nothing), and
   * kept. Default `'given'` with `poolSize`, `sessionOptions.intraOpNumThreads`, the fixed
   * schedule, a non-CPU execution provider, or a single core; `'auto'` with any of them is refused.
   */
  sessionLayout?: 'auto' | 'given';
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
   * with ERR_TIMEOUT. Once its batch starts, the request is answered when the batch completes
   * (with the Batcher's `timeoutScope: 'request'`, the limit covers the run too).
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
  maxLatencyMs: number;
  batchAxis: number | null;
  oversize: 'split' | 'reject';
  padding: PaddingPolicy | undefined;
  timeoutMs: number;
  timeoutScope: 'queue' | 'request';
  priorityLevels: number;
  defaultPriority: number;
  runOptions: BatchSessionRunOptions | undefined;
  ownsTarget: boolean;
  schedule: string;
}

/** maxBatchSize when not given. */
export const DEFAULT_MAX_BATCH_SIZE = 32;
/** Most rows in one batch: merge buffers and batch-size histograms are sized from it. */
export const MAX_BATCH_SIZE = 2 ** 20;
/** Longest `maxQueueDelayMs`: a lone request must run within it (longer is a unit mistake, µs for ms). */
export const MAX_QUEUE_DELAY_MS = 60_000;

const KEYS = [
  'maxBatchSize',
  'maxQueueDelayMs',
  'preferredBatchSizes',
  'maxQueueSize',
  'maxInflightBatches',
  'maxLatencyMs',
  'batchAxis',
  'oversize',
  'padding',
  'timeoutMs',
  'timeoutScope',
  'priorityLevels',
  'defaultPriority',
  'runOptions',
  'ownsTarget',
  'schedule',
] as const;

/** @internal Validates options and applies defaults. */
export function resolveBatcherOptions(options: BatcherOptions | undefined, extraKeys: readonly string[] = []): ResolvedBatcherOptions {
  const o = options === undefined ? {} : object(options, 'Batcher options');
  knownKeys(o, 'Batcher options', [...KEYS, ...extraKeys]);
  const opt = (k: string) => `Batcher option ${k}`;
  const maxBatchSize =
    o.maxBatchSize === undefined ? DEFAULT_MAX_BATCH_SIZE : integer(o.maxBatchSize, opt('maxBatchSize'), 1, MAX_BATCH_SIZE);
  let preferred: number[] = [];
  if (o.preferredBatchSizes !== undefined) {
    if (!Array.isArray(o.preferredBatchSizes))
      throw invalid('ERR_INVALID_ARGUMENT', opt('preferredBatchSizes'), 'an array of batch sizes', describe(o.preferredBatchSizes));
    preferred = o.preferredBatchSizes.map((v, i) => integer(v, `${opt('preferredBatchSizes')}[${i}]`, 1, maxBatchSize));
    preferred = [...new Set(preferred)].sort((a, b) => b - a); // largest first
  }
  let maxQueueSize = Math.max(4096, 4 * maxBatchSize);
  if (o.maxQueueSize !== undefined) maxQueueSize = o.maxQueueSize === Infinity ? Infinity : integer(o.maxQueueSize, opt('maxQueueSize'), 1);
  const batchAxis = o.batchAxis === undefined ? 0 : o.batchAxis === null ? null : integer(o.batchAxis, opt('batchAxis'), 0, 63);
  const priorityLevels = o.priorityLevels === undefined ? 1 : integer(o.priorityLevels, opt('priorityLevels'), 1, 64);
  const schedule = resolveScheduleName(o);
  return {
    maxBatchSize,
    maxQueueDelayMs: o.maxQueueDelayMs === undefined ? 0 : nonNegativeMs(o.maxQueueDelayMs, opt('maxQueueDelayMs'), MAX_QUEUE_DELAY_MS),
    preferredBatchSizes: preferred,
    maxQueueSize,
    maxInflightBatches: o.maxInflightBatches === undefined ? undefined : integer(o.maxInflightBatches, opt('maxInflightBatches'), 1, 1024),
    maxLatencyMs: o.maxLatencyMs === undefined ? Infinity : positiveMs(o.maxLatencyMs, opt('maxLatencyMs')),
    batchAxis,
    oversize: o.oversize === undefined ? 'split' : oneOf(o.oversize, opt('oversize'), ['split', 'reject']),
    padding: o.padding as PaddingPolicy | undefined,
    timeoutMs: o.timeoutMs === undefined ? Infinity : nonNegativeMs(o.timeoutMs, opt('timeoutMs')),
    timeoutScope: o.timeoutScope === undefined ? 'queue' : oneOf(o.timeoutScope, opt('timeoutScope'), ['queue', 'request']),
    priorityLevels,
    defaultPriority: o.defaultPriority === undefined ? 0 : integer(o.defaultPriority, opt('defaultPriority'), 0, priorityLevels - 1),
    runOptions: o.runOptions === undefined ? undefined : checkBatchRunOptions(o.runOptions),
    ownsTarget: o.ownsTarget === undefined ? false : boolean(o.ownsTarget, opt('ownsTarget')),
    schedule,
  };
}

/** Options only the fixed schedule reads, and the one only the adaptive schedule reads. */
const FIXED_ONLY = ['maxQueueDelayMs', 'preferredBatchSizes'] as const;

/**
 * The schedule's name: as given; else 'fixed' when fixed settings are given (maxQueueDelayMs,
 * preferredBatchSizes, or maxInflightBatches without maxLatencyMs), else 'adaptive'. Options of
 * the other schedule are refused rather than ignored.
 */
function resolveScheduleName(o: Record<string, unknown>): string {
  const fixedOnly = FIXED_ONLY.find((k) => o[k] !== undefined);
  const name =
    o.schedule !== undefined
      ? oneOf(o.schedule, 'Batcher option schedule', SCHEDULE_NAMES)
      : fixedOnly !== undefined || (o.maxInflightBatches !== undefined && o.maxLatencyMs === undefined)
        ? 'fixed'
        : 'adaptive';
  const misplaced = name === 'adaptive' ? fixedOnly : name === 'fixed' && o.maxLatencyMs !== undefined ? 'maxLatencyMs' : undefined;
  if (misplaced !== undefined) {
    throw invalid(
      'ERR_INVALID_ARGUMENT',
      `Batcher option ${misplaced}`,
      `no ${misplaced} with schedule '${name}' (it applies to the ${name === 'adaptive' ? 'fixed' : 'adaptive'} schedule)`,
      describe(o[misplaced]),
    );
  }
  return name;
}

/** A time in ms above 0 (a latency target of 0 cannot be met); Infinity for none. */
function positiveMs(v: unknown, what: string): number {
  const ms = nonNegativeMs(v, what);
  if (ms === 0) throw invalid('ERR_INVALID_ARGUMENT', what, 'a time above 0 ms', describe(v));
  return ms;
}
