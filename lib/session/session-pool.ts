/**
 * SessionPool: N sessions (instances) of one model behind one `run()`, each run handed to the
 * least-busy instance.
 *
 * Sizing. On the CPU, each run occupies one thread per intra-op thread, so the useful pool size is
 * about `cores ÷ intraOpNumThreads` (the default): 8 cores with single-threaded sessions → 8
 * instances; 8 cores with 4 intra-op threads each → 2. More instances than that only add memory
 * and contention. ortex also caps the runs executing at once on the thread pool at the core count
 * (`init({ maxConcurrentRuns })`, see runtime.ts), so instances beyond that cap wait their turn.
 *
 * Memory. ONNX Runtime's `Run` is thread-safe, so one session can already serve concurrent runs;
 * a pool buys separate intra-op thread pools (one model's threads cannot starve another's). The
 * instances share one CPU memory arena: ortex registers an arena with the ORT environment when
 * it loads ORT, and the pool sets `session.use_env_allocators` = "1" for its instances (set it to
 * "0" in `sessionOptions.configEntries` for per-instance arenas). Each instance still holds its
 * own copy of the weights: sharing them needs the initializers created once and injected with
 * `AddInitializer`, which ortex does not do yet (ORT's PrepackedWeightsContainer alone was tried
 * and saved no measurable memory).
 */
import { OrtexError } from '../base/errors.js';
import { integer, knownKeys, object } from '../base/validate.js';
import { InferenceSession, type FeedsType, type FetchesType, type ReturnType, type RunOptions } from './session.js';
import type { SessionOptions } from './session-options.js';
import type { ValueMetadata } from '../tensor/value-metadata.js';
import { asyncDispose } from '../base/async-dispose.js';
import type { Runnable } from './model-io.js';
import { defaultPoolSize } from './parallelism.js';

export { defaultPoolSize };

/** Options of {@link SessionPool.create}. */
export interface SessionPoolOptions {
  /**
   * Instances to create. Default: `max(1, floor(cores ÷ intraOpNumThreads))` where `cores` is
   * `os.availableParallelism()` and `intraOpNumThreads` that of `sessionOptions` (default 1).
   */
  size?: number;
  /**
   * Options for every instance. The pool's defaults, under yours: `intraOpNumThreads: 1` and
   * `interOpNumThreads: 1` (N instances each with a whole-machine thread pool would oversubscribe
   * the cores). `intraOpNumThreads: 0` means ORT's default (all physical cores) and sizes the
   * pool to 1 by default.
   */
  sessionOptions?: SessionOptions;
}

/** Counters of one pool instance, from {@link SessionPool.stats}. */
export interface SessionPoolInstanceStats {
  /** Runs executing (or waiting in ortex's run queue) on this instance now. */
  pending: number;
  /** Runs handed to this instance since the pool was created. */
  runs: number;
}

/** A point-in-time view of a {@link SessionPool}. */
export interface SessionPoolStats {
  size: number;
  /** Instances with no run pending. */
  idle: number;
  /** Runs pending over all instances. */
  pending: number;
  instances: SessionPoolInstanceStats[];
}

const CREATE_TOKEN = Symbol('SessionPool.create');

export class SessionPool implements Runnable {
  /** The instances, in creation order. */
  readonly sessions: readonly InferenceSession[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  readonly #pending: Int32Array;
  readonly #runs: Float64Array;
  #next = 0;
  #released: Promise<void> | undefined;

  // Private rather than tagged internal: stripInternal would drop it, and the .d.ts would then declare an
  // implicit public `new SessionPool()`.
  /** Use SessionPool.create(). */
  private constructor(token: symbol, sessions: InferenceSession[]) {
    if (token !== CREATE_TOKEN) throw new OrtexError('ERR_INVALID_ARGUMENT', 'use SessionPool.create() to make a pool');
    const first = sessions[0]!;
    this.sessions = Object.freeze([...sessions]);
    this.inputNames = first.inputNames;
    this.outputNames = first.outputNames;
    this.inputMetadata = first.inputMetadata;
    this.outputMetadata = first.outputMetadata;
    this.#pending = new Int32Array(sessions.length);
    this.#runs = new Float64Array(sessions.length);
  }

  /**
   * Creates `size` sessions of `model` (a path or model bytes) with the same options. If any
   * instance fails to load, the others are released and the first error is thrown.
   */
  static async create(model: string | Uint8Array | ArrayBuffer | ArrayBufferView, options: SessionPoolOptions = {}): Promise<SessionPool> {
    knownKeys(object(options, 'session pool options'), 'session pool options', ['size', 'sessionOptions']);
    // Instances share the environment's CPU arena (registered by ortex at load) instead of each
    // growing its own, unless the caller set the entry.
    const given = options.sessionOptions ?? {};
    const sessionOptions: SessionOptions = {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      ...given,
      configEntries: { 'session.use_env_allocators': '1', ...(given.configEntries ?? {}) },
    };
    const intra = sessionOptions.intraOpNumThreads;
    const size =
      options.size === undefined
        ? intra === 0
          ? 1
          : defaultPoolSize(typeof intra === 'number' ? intra : 1)
        : integer(options.size, 'session pool size', 1, 1024);
    const settled = await Promise.allSettled(Array.from({ length: size }, () => InferenceSession.create(model, sessionOptions)));
    const sessions = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(sessions.map((s) => s.release()));
      throw failed.reason;
    }
    return new SessionPool(CREATE_TOKEN, sessions);
  }

  /** Number of instances. */
  get size(): number {
    return this.sessions.length;
  }

  /** Capacity hint ({@link Runnable}): one run per instance. */
  get parallelism(): number {
    return this.sessions.length;
  }

  /** Instances with no run pending right now. */
  get idle(): number {
    let n = 0;
    for (let i = 0; i < this.#pending.length; i++) if (this.#pending[i] === 0) n++;
    return n;
  }

  /** Runs pending over all instances. */
  get pendingRuns(): number {
    let n = 0;
    for (let i = 0; i < this.#pending.length; i++) n += this.#pending[i]!;
    return n;
  }

  /** True once release() was called. */
  get released(): boolean {
    return this.#released !== undefined;
  }

  /**
   * Runs on the least-busy instance (fewest runs pending; ties go round-robin), with
   * {@link InferenceSession.run}'s arguments and result.
   */
  run(feeds: FeedsType, fetchesOrOptions?: FetchesType | RunOptions, maybeOptions?: RunOptions): Promise<ReturnType> {
    if (this.#released) return Promise.reject(new OrtexError('ERR_SESSION_RELEASED', 'the session pool has been released'));
    const index = this.#pick();
    this.#pending[index]!++;
    this.#runs[index]!++;
    let p: Promise<ReturnType>;
    try {
      p = this.sessions[index]!.run(feeds, fetchesOrOptions, maybeOptions);
    } catch (e) {
      this.#pending[index]!--;
      return Promise.reject(e);
    }
    return p.finally(() => {
      this.#pending[index]!--;
    });
  }

  #pick(): number {
    const pending = this.#pending;
    const n = pending.length;
    const start = this.#next;
    let best = start;
    let bestPending = pending[start]!;
    for (let k = 1; k < n && bestPending > 0; k++) {
      const i = (start + k) % n;
      if (pending[i]! < bestPending) {
        best = i;
        bestPending = pending[i]!;
      }
    }
    this.#next = (best + 1) % n;
    return best;
  }

  /** Pending and total runs per instance. */
  stats(): SessionPoolStats {
    const instances = this.sessions.map((_, i) => ({ pending: this.#pending[i]!, runs: this.#runs[i]! }));
    return { size: this.size, idle: this.idle, pending: this.pendingRuns, instances };
  }

  /**
   * Stops accepting runs (ERR_SESSION_RELEASED), waits for the runs in flight and releases every
   * instance. Idempotent.
   */
  release(): Promise<void> {
    this.#released ??= Promise.all(this.sessions.map((s) => s.release())).then(() => undefined);
    return this.#released;
  }

  [asyncDispose](): Promise<void> {
    return this.release();
  }
}
