/**
 * One loaded version of one model: its session (or pool), the Batcher in front of it, and the
 * counters `/metrics` reads at scrape time. It is the handle the server routes requests to, and
 * it implements {@link Runnable}, so anything that wraps a model (a rollout router, a shadow
 * copy) can stand where it stands.
 *
 * Lifecycle: `load()` creates and warms it (state `ready`); `retire()` takes it out of traffic,
 * waits for the requests that already hold it, drains its queue and releases the session. A
 * request holds a version from routing to answer (`acquire()`/`settle()`), so a swap never drops
 * a request that was routed to the old version.
 */
import { dirname } from 'node:path';
import { OrtexError } from '../base/errors.js';
import { Histogram } from '../base/histogram.js';
import { Batcher } from '../batching/batcher.js';
import type { BatchRunOptions } from '../batching/options.js';
import type { BatcherStats } from '../batching/stats.js';
import type { Runnable } from '../session/model-io.js';
import { InferenceSession, type FeedsType, type ReturnType } from '../session/session.js';
import type { SessionOptions } from '../session/session-options.js';
import { SessionPool } from '../session/session-pool.js';
import { elementTypeByName } from '../tensor/element-types.js';
import { Tensor } from '../tensor/tensor.js';
import type { ValueMetadata } from '../tensor/value-metadata.js';
import type { Monitor } from '../monitoring/index.js';
import { batcherOptions } from './batching-policy.js';
import { DEFAULT_LIMITS, type ModelConfig, type ModelLimits } from './config.js';
import { createVersionMonitor, type MonitoringPlaces } from './monitoring.js';
import type { Log } from './repository.js';

export type VersionState = 'loading' | 'ready' | 'retiring' | 'released';

/**
 * A model whose fastest batch (after the warm-up) takes at least this long withdraws a queued
 * request when its client disconnects: below it, subscribing to the connection's signal (about a
 * µs per request, connection-signal.ts) costs more than the work it could save. The fastest
 * rather than an average: a busy machine slows some batches down, never the model's own cost.
 */
export const CANCEL_ON_DISCONNECT_MS = 1;

/** Request duration buckets in seconds (Prometheus-style: 100 µs to 10 s). */
export const DURATION_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What `/metrics` reads from a version at scrape time. */
export interface ModelVersionStats {
  model: string;
  version: string;
  state: VersionState;
  /** Requests answered, by outcome: `success` or the error code (`ERR_TIMEOUT`, ...). */
  requests: Record<string, number>;
  /** Requests holding this version now (decoding, queued, running or encoding). */
  inflight: number;
  /** Time from routing to the encoded answer, in seconds. */
  requestSeconds: Histogram;
  batcher: BatcherStats;
  /** What the warm-up run added to the batcher's counters (statistics leave it out). */
  warmup: WarmupShare;
  /** Successful and failed requests: count and total time in ms; rows of the successful ones. */
  succeeded: { count: number; ms: number; rows: number };
  failed: { count: number; ms: number };
  /** When the last request was answered (ms since the epoch; 0: none yet). */
  lastRequestAt: number;
}

/** The warm-up run's share of a batcher's counters. */
export interface WarmupShare {
  batches: number;
  queueCount: number;
  queueMs: number;
  computeCount: number;
  computeMs: number;
}

const SILENT: Log = { info() {}, warn() {}, error() {} };

const NO_WARMUP: WarmupShare = { batches: 0, queueCount: 0, queueMs: 0, computeCount: 0, computeMs: 0 };

export interface LoadOptions {
  model: string;
  version: string;
  path: string;
  config: ModelConfig;
  /** Identity of the files this version was loaded from (size, mtime), to notice changes. */
  fingerprint: string;
  /** Where its monitoring files are looked up (default: the model file's folder). */
  places?: MonitoringPlaces;
  /** For the monitor's log lines (drift, trigger). */
  log?: Log;
}

/** Generated inputs for the warm-up run: zeros (empty strings), symbolic dims set to 1. */
function warmupFeeds(inputs: readonly ValueMetadata[]): FeedsType | undefined {
  const feeds: FeedsType = {};
  for (const m of inputs) {
    if (!m.isTensor) return undefined;
    const dims = m.shape.map((d) => (typeof d === 'number' ? d : 1));
    const count = dims.reduce((a, b) => a * b, 1);
    const info = elementTypeByName(m.type);
    if (!info) return undefined;
    if (info.name === 'string') feeds[m.name] = new Tensor('string', new Array<string>(count).fill(''), dims);
    else if (info.array) feeds[m.name] = new Tensor(info.name, new info.array(info.packed4 ? Math.ceil(count / 2) : count) as never, dims);
    else return undefined;
  }
  return feeds;
}

/** Session options a version gets unless its config's `sessionOptions` say otherwise (see {@link ModelVersion.load}). */
export const DEFAULT_SESSION_OPTIONS: Readonly<SessionOptions> = { intraOpNumThreads: 1 };

export class ModelVersion implements Runnable<BatchRunOptions> {
  readonly model: string;
  readonly version: string;
  readonly path: string;
  readonly config: ModelConfig;
  readonly limits: Required<ModelLimits>;
  readonly fingerprint: string;
  readonly target: InferenceSession | SessionPool;
  readonly batcher: Batcher;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  /** Custom metadata of the ONNX file (metadata_props). */
  readonly modelMetadata: Readonly<Record<string, string>>;
  /** When it became ready (ms since the epoch). */
  readonly loadedAt: number;
  readonly requestSeconds = new Histogram(DURATION_BUCKETS_S);
  #monitor: Monitor | undefined;
  /** Compute time of the fastest batch after the first (the warm-up), in ms. */
  readonly #requests: Record<string, number> = { success: 0 };
  readonly #succeeded = { count: 0, ms: 0, rows: 0 };
  readonly #failed = { count: 0, ms: 0 };
  #lastEndedAt = 0;
  #warmup: WarmupShare = NO_WARMUP;
  #state: VersionState = 'loading';
  #holders = 0;
  #idle: (() => void) | undefined;
  #retired: Promise<void> | undefined;

  private constructor(o: LoadOptions, target: InferenceSession | SessionPool, batcher: Batcher) {
    this.model = o.model;
    this.version = o.version;
    this.path = o.path;
    this.config = o.config;
    this.limits = { ...DEFAULT_LIMITS, ...(o.config.limits ?? {}) };
    this.fingerprint = o.fingerprint;
    this.target = target;
    this.batcher = batcher;
    this.inputNames = target.inputNames;
    this.outputNames = target.outputNames;
    this.inputMetadata = target.inputMetadata;
    this.outputMetadata = target.outputMetadata;
    const session = target instanceof SessionPool ? target.sessions[0]! : target;
    this.modelMetadata = Object.freeze({ ...session.modelMetadata.custom });
    this.loadedAt = Date.now();
  }

  /** True when a client that disconnects should withdraw its queued request (see {@link CANCEL_ON_DISCONNECT_MS}). */
  get cancelsOnDisconnect(): boolean {
    const fastest = this.batcher.fastestBatchMs;
    return fastest !== Infinity && fastest >= CANCEL_ON_DISCONNECT_MS;
  }

  /** Loads the model file, wraps it in a Batcher and (unless `warmup: false`) runs it once. Throws ERR_MODEL_LOAD (or the session's code). */
  static async load(o: LoadOptions): Promise<ModelVersion> {
    const c = o.config;
    // One intra-op thread per run by default, as a SessionPool's instances have: a server's load
    // is many requests, which then run side by side on the cores (the Batcher keeps cores ÷ 1
    // batches in flight) instead of each spreading over every core. ORT's own default (all cores
    // per run) lost 40 % of PP-OCR cls's throughput behind HTTP (bench:serve), its spinning
    // intra-op threads competing with the server's own work. `sessionOptions.intraOpNumThreads`
    // overrides it (0: ORT's default).
    const sessionOptions: SessionOptions = { ...DEFAULT_SESSION_OPTIONS, ...(c.sessionOptions ?? {}) };
    if (c.providers) sessionOptions.executionProviders = c.providers;
    const instances = c.instances ?? 1;
    const target =
      instances > 1
        ? await SessionPool.create(o.path, { size: instances, sessionOptions })
        : await InferenceSession.create(o.path, sessionOptions);
    let batcher: Batcher;
    try {
      const limits = { ...DEFAULT_LIMITS, ...(c.limits ?? {}) };
      // limits.timeoutMs as the Batcher's default queue timeout, so that a request passes no
      // options at all: validating per-request options cost about 0.25 µs per request.
      batcher = new Batcher(target, {
        ...batcherOptions(c, target.inputMetadata, target.outputMetadata, limits.maxQueueSize),
        timeoutMs: limits.timeoutMs,
        // The limit covers the run too: a request running at its deadline is answered 504 by the
        // route's own timer (infer.ts), and a batch none of whose requests still waits is stopped
        // in the runtime instead of holding its session for an answer nobody reads.
        timeoutScope: 'request',
        ownsTarget: true,
      });
    } catch (e) {
      await target.release();
      throw e;
    }
    const v = new ModelVersion(o, target, batcher);
    if (c.warmup !== false) {
      const feeds = warmupFeeds(target.inputMetadata);
      if (feeds) {
        try {
          // Untimed: a first run may take longer than requests are allowed to.
          await batcher.run(feeds, { timeoutMs: Infinity });
        } catch (e) {
          await batcher.close();
          const err = e as OrtexError;
          throw new OrtexError(err.code ?? 'ERR_MODEL_LOAD', `the warm-up run failed: ${err.message}`, { cause: e });
        }
      }
    }
    try {
      const versionDir = dirname(o.path);
      v.#monitor = await createVersionMonitor({
        model: o.model,
        version: o.version,
        config: c.monitoring,
        places: o.places ?? { versionDir, modelDir: versionDir },
        io: target,
        metadata: v.modelMetadata,
        log: o.log ?? SILENT,
      });
    } catch (e) {
      await batcher.close();
      throw e;
    }
    const st = batcher.stats();
    v.#warmup = {
      batches: st.batches,
      queueCount: st.queueWaitMs.count,
      queueMs: st.queueWaitMs.sum,
      computeCount: st.computeMs.count,
      computeMs: st.computeMs.sum,
    };
    v.#state = 'ready';
    return v;
  }

  /** Its monitor (config `monitoring`), created after the warm-up and closed when the version retires; undefined without monitoring. */
  get monitor(): Monitor | undefined {
    return this.#monitor;
  }

  get state(): VersionState {
    return this.#state;
  }

  get ready(): boolean {
    return this.#state === 'ready';
  }

  get released(): boolean {
    return this.#state === 'released' || this.#state === 'retiring';
  }

  get parallelism(): number {
    return this.batcher.parallelism;
  }

  /** True when requests merge along the first dimension (metadata then shows -1 there). */
  get batching(): boolean {
    return this.batcher.batchAxis !== null;
  }

  /** A request starts holding this version (call right after routing, before any await). */
  acquire(): void {
    this.#holders++;
  }

  /**
   * The request that acquired this version is answered: counts its outcome, duration (from
   * `startedAt` to `endedAt`, performance.now() times) and, for a success, its rows.
   */
  settle(outcome: string, startedAt: number, endedAt: number, rows = 1): void {
    const ms = endedAt - startedAt;
    this.#requests[outcome] = (this.#requests[outcome] ?? 0) + 1;
    this.requestSeconds.record(ms / 1000);
    this.#lastEndedAt = endedAt;
    if (outcome === 'success') {
      this.#succeeded.count++;
      this.#succeeded.ms += ms;
      this.#succeeded.rows += rows;
    } else {
      this.#failed.count++;
      this.#failed.ms += ms;
    }
    if (--this.#holders === 0 && this.#idle) this.#idle();
  }

  /** Rows a request carries: its size along the batch axis when requests merge, else 1. */
  rowsOf(feeds: FeedsType): number {
    if (this.batcher.batchAxis === null) return 1;
    const first = feeds[this.inputNames[0]!] as Tensor | undefined;
    return first?.dims[this.batcher.batchAxis] ?? 1;
  }

  run(feeds: FeedsType, options?: BatchRunOptions): Promise<ReturnType> {
    return this.batcher.run(feeds, options);
  }

  stats(): ModelVersionStats {
    return {
      model: this.model,
      version: this.version,
      state: this.#state,
      requests: { ...this.#requests },
      inflight: this.#holders,
      requestSeconds: this.requestSeconds,
      batcher: this.batcher.stats(),
      warmup: this.#warmup,
      succeeded: { ...this.#succeeded },
      failed: { ...this.#failed },
      lastRequestAt: this.#lastEndedAt === 0 ? 0 : Math.round(performance.timeOrigin + this.#lastEndedAt),
    };
  }

  /**
   * Takes the version out of traffic: waits until no request holds it, finishes what is queued,
   * then releases the session. Idempotent.
   */
  retire(): Promise<void> {
    if (this.#retired) return this.#retired;
    this.#state = 'retiring';
    void this.monitor?.close();
    this.#retired = (async () => {
      if (this.#holders > 0)
        await new Promise<void>((resolve) => {
          this.#idle = resolve;
        });
      await this.batcher.drain();
      this.#state = 'released';
    })();
    return this.#retired;
  }

  /** Same as retire() ({@link Runnable}). */
  release(): Promise<void> {
    return this.retire();
  }

  /**
   * Gives up on queued requests (ERR_CLOSED) and releases once running batches finish: for a
   * shutdown whose grace period ran out.
   */
  async abandon(): Promise<void> {
    this.#state = 'retiring';
    void this.monitor?.close();
    await this.batcher.close();
    this.#state = 'released';
  }
}
