/**
 * The Batcher's session layout probe (`sessionLayout: 'auto'`): which arrangement of sessions
 * serves the load best — one session with one intra-op thread per run and several batches in
 * flight (the start: each core computes its own batch), or one session whose runs use every core
 * (one large batch at a time: less JS work per row, which wins on cheap, overhead-bound models).
 * The adaptive schedule cannot find that itself: it only schedules the session it is given.
 *
 * How. The Batcher starts on the first layout. Once that layout's schedule has settled under
 * saturating load (rows in the system ≥ slots + 1), the candidate is created off the JS thread
 * (the first layout serves meanwhile), given its own schedule (slots start at its parallelism
 * hint), held at its starting choice until the probe decides (schedule.hold()), and run alone for
 * one short window (`tuning`: its first runs are slow). Then the two
 * alternate in measurement windows (A B A B …) and each candidate window is judged against the first layout's
 * windows just before and after it, with the adaptive schedule's own rule (schedules/compare.ts):
 * the candidate is adopted only when it answers more rows per second by the margin in at least
 * two pairs. The loser is released once its batches in flight are done; no request is dropped or
 * failed by a switch (batches queue as before; the batches a layout has in flight finish on it).
 *
 * Bounds. A window lasts at least WINDOW_MS and WINDOW_ROUNDS rounds of completions (expensive
 * batches: few, long windows, and one pair without a win ends it); the whole probe
 * PROBE_LIMIT_MS of wall time (a timer, unref'd):
 * past it, or when the load turns light or batches fail meanwhile, the first layout stays (light
 * load: tried again later, at most MAX_ATTEMPTS times). A candidate that cannot be created
 * (memory, provider, a model file that changed) leaves the first layout in place, and
 * `stats().sessionLayout.reason` says why. Expensive batches (over the adaptive schedule's
 * LONG_BATCH_MS of compute each) keep the first layout without a probe: there the cores are busy
 * computing either way, and the candidate's windows would last seconds at the worse layout (PP-OCR
 * det, quiet 2-core VM, 10 s: 88 % of the best fixed setting with the probe, 94 % without).
 */
import type { BatchSample, BatchSchedule, ScheduleMeasurement, ScheduleState } from './schedule.js';
import { LONG_BATCH_MS } from './schedules/adaptive.js';
import { PairedComparison } from './schedules/compare.js';
import { INVALID, MeasurementWindow } from './schedules/measure.js';

/** A window of the probe lasts at least this long, and WINDOW_ROUNDS rounds of one completion per slot. */
const WINDOW_MS = 250;
const WINDOW_ROUNDS = 4;
/**
 * The candidate first runs alone for one short window (at least TUNING_WINDOW_MS and two rounds): a new session's
 * first runs are slow (its memory arena grows), and its schedule leaves its warmup. It goes on
 * learning in its comparison windows. Longer costs throughput whenever the candidate loses: on a
 * busy 2-core VM, where the PP-OCR cls candidate lost by ~45 % and the MLP one by ~30 %, four
 * 250 ms windows cost (d) ~15 % of a 4 s run.
 */
const TUNING_WINDOW_MS = 100;
/** Wall time from starting to create the candidate to a decision; past it, the first layout stays. */
export const PROBE_LIMIT_MS = 60_000;
/** Tries (a candidate created, then given up on for light load) before the first layout stays for good. */
const MAX_ATTEMPTS = 2;

/** One arrangement of sessions. */
export interface SessionLayoutSpec {
  /** Sessions (1: one InferenceSession). */
  readonly sessions: number;
  /** Intra-op threads per session run. */
  readonly intraOpNumThreads: number;
  /** Most rows per batch on it (at most the batcher's maxBatchSize, the default). */
  readonly maxBatchSize?: number;
}

/**
 * What the Batcher probes: the layout it starts on (its constructor's target), the candidate, and
 * how to create the candidate's target (called at most MAX_ATTEMPTS times; owned by the Batcher).
 */
export interface LayoutCandidate {
  readonly first: SessionLayoutSpec;
  readonly candidate: SessionLayoutSpec;
  create(): Promise<LayoutTarget>;
}

/** The part of a BatchTarget the probe needs. */
export interface LayoutTarget {
  release(): Promise<void>;
  readonly parallelism?: number;
}

/** @internal The Batcher option (a symbol: not part of the public options) that carries a {@link LayoutCandidate}. */
export const LAYOUT_CANDIDATE: unique symbol = Symbol('ortex.layoutCandidate');

/** A layout as the Batcher runs it: its target, its own schedule and its batches in flight. */
export interface Lane<T extends LayoutTarget = LayoutTarget> {
  readonly spec: SessionLayoutSpec;
  readonly target: T;
  readonly schedule: BatchSchedule;
  /** The batcher's bound on this lane's batches in flight. */
  readonly maxInflightBatches: number;
  /** Batches running on it now. */
  inflight: number;
  /** No longer used: released once `inflight` is 0. */
  retired: boolean;
  /** The release, once started. */
  releasing: Promise<void> | undefined;
}

/** What the Batcher does for the probe. */
export interface LayoutHost<T extends LayoutTarget> {
  /** Builds a lane for a created candidate target, its schedule's batch-size cap starting at `startBatchSize`. */
  makeLane(target: T, spec: SessionLayoutSpec, startBatchSize: number): Lane<T>;
  /** Runs new batches on `lane` from now on. */
  activate(lane: Lane<T>): void;
  /** Releases `lane` once its batches in flight are done. */
  retire(lane: Lane<T>): void;
  /** The batcher is closing or closed (a candidate created now is released at once). */
  readonly closing: boolean;
}

export type LayoutPhase = 'watching' | 'creating' | 'tuning' | 'comparing' | 'decided';

/** stats().sessionLayout: what the probe chose and what it measured. */
export interface SessionLayoutReport {
  /** `'auto'`: the Batcher chooses between the layouts below. */
  readonly mode: 'auto';
  /**
   * `'watching'` (serving on the first layout until its schedule settles under saturating load),
   * `'creating'` the candidate, `'tuning'` (the candidate alone while its schedule learns),
   * `'comparing'` (alternating windows), `'decided'`.
   */
  readonly phase: LayoutPhase;
  /** The layout batches run on now (the chosen one once decided). */
  readonly current: SessionLayoutSpec;
  /** Both layouts, the first one first, with the rows per second measured in their comparison windows. */
  readonly candidates: readonly {
    readonly sessions: number;
    readonly intraOpNumThreads: number;
    readonly maxBatchSize?: number;
    /** Mean rows per second over its comparison windows; undefined before any. */
    readonly rowsPerSecond?: number;
    readonly windows: number;
  }[];
  /** Pairs of windows compared in the latest comparison, and those the candidate won. */
  readonly pairs: number;
  readonly wins: number;
  /** When it decided: ms after the batcher was made, and the time (ms since the epoch). */
  readonly decidedAfterMs?: number;
  readonly decidedAt?: number;
  /** Why it decided as it did (or why it started over). */
  readonly reason?: string;
}

export class LayoutProbe<T extends LayoutTarget> {
  readonly #host: LayoutHost<T>;
  #spec: LayoutCandidate | undefined;
  readonly #firstSpec: SessionLayoutSpec;
  readonly #candidateSpec: SessionLayoutSpec;
  readonly #maxLatencyMs: number;
  readonly #born = performance.now();
  readonly #first: Lane<T>;
  #second: Lane<T> | undefined;
  #active: Lane<T>;
  #phase: LayoutPhase = 'watching';
  readonly #window = new MeasurementWindow();
  #windowComputeMs = 0;
  #windowBatches = 0;
  #attempts = 0;
  #comparison: PairedComparison | undefined;
  #before: ScheduleMeasurement | undefined;
  #candidateWindow: ScheduleMeasurement | undefined;
  /** Sums of rows per second and windows per layout (first, candidate). */
  readonly #rates = [0, 0];
  readonly #windows = [0, 0];
  /** Mean compute time of a batch in the last window (ms). */
  #lastWindowBatchMs = 0;
  #decidedAfterMs: number | undefined;
  #decidedAt: number | undefined;
  #reason: string | undefined;
  #limit: NodeJS.Timeout | undefined;
  #creating: Promise<void> | undefined;

  constructor(host: LayoutHost<T>, first: Lane<T>, candidate: LayoutCandidate, maxLatencyMs: number) {
    this.#host = host;
    this.#spec = candidate;
    this.#firstSpec = candidate.first;
    this.#candidateSpec = candidate.candidate;
    this.#maxLatencyMs = maxLatencyMs;
    this.#first = first;
    this.#active = first;
    this.#restart();
  }

  get phase(): LayoutPhase {
    return this.#phase;
  }

  /** A batch of the active lane finished; `state` is the batcher's after it. */
  completed(sample: BatchSample, state: ScheduleState): void {
    const phase = this.#phase;
    if (phase === 'decided' || phase === 'creating') return;
    this.#windowComputeMs += sample.computeMs;
    this.#windowBatches++;
    const m = this.#window.add(sample, state, Math.max(1, (2 * this.#windowComputeMs) / this.#windowBatches));
    if (m === undefined) return;
    this.#lastWindowBatchMs = this.#windowComputeMs / this.#windowBatches;
    const long = this.#lastWindowBatchMs > LONG_BATCH_MS;
    this.#restart();
    if (m === INVALID) {
      if (phase !== 'watching') this.#giveUp('batches failed during the comparison', false);
      return;
    }
    const saturated = m.rowsInSystem >= this.#active.schedule.report().inflightBatches + 1;
    if (phase === 'watching') {
      if (!saturated || this.#active.schedule.report().phase !== 'settled') return;
      // Expensive batches (PP-OCR det on a CPU: ~100 ms a row): parallel runs keep every core
      // computing already, and one run on every core could save only JS work that is negligible
      // beside them, while each of its windows would last seconds at the worse layout.
      if (long) {
        const ms = Math.round(this.#lastWindowBatchMs);
        this.#decide(this.#first, `batches compute ${ms} ms each: parallel runs keep every core busy; kept the first layout`);
      } else this.#create();
      return;
    }
    if (!saturated) {
      this.#giveUp('the load turned too light to compare layouts', true);
      return;
    }
    if (phase === 'tuning') {
      this.#phase = 'comparing';
      this.#comparison = new PairedComparison(this.#maxLatencyMs);
      this.#before = undefined;
      this.#switchTo(this.#first);
      return;
    }
    // Comparing: A B A B …, each B window against the A windows around it.
    if (this.#active === this.#first) {
      this.#record(0, m);
      const b = this.#candidateWindow;
      if (b !== undefined && this.#before !== undefined) {
        const comparison = this.#comparison!;
        const verdict = comparison.add(this.#before, b, m, long);
        if (verdict !== 0) {
          const pct = (100 * (Math.exp(comparison.rate) - 1)).toFixed(1);
          const how = `${comparison.wins} of ${comparison.pairs} pairs won, ${pct} % rows/s`;
          if (verdict > 0) this.#decide(this.#second!, `the candidate was faster (${how})`);
          else this.#decide(this.#first, `the candidate was not faster by the margin (${how})`);
          return;
        }
      }
      this.#before = m;
      this.#candidateWindow = undefined;
      this.#switchTo(this.#second!);
    } else {
      this.#record(1, m);
      this.#candidateWindow = m;
      this.#switchTo(this.#first);
    }
  }

  report(): SessionLayoutReport {
    const spec = (i: number, s: SessionLayoutSpec) => ({
      sessions: s.sessions,
      intraOpNumThreads: s.intraOpNumThreads,
      ...(s.maxBatchSize !== undefined ? { maxBatchSize: s.maxBatchSize } : {}),
      ...(this.#windows[i]! > 0 ? { rowsPerSecond: this.#rates[i]! / this.#windows[i]! } : {}),
      windows: this.#windows[i]!,
    });
    return {
      mode: 'auto',
      phase: this.#phase,
      current: this.#active.spec,
      candidates: [spec(0, this.#firstSpec), spec(1, this.#candidateSpec)],
      pairs: this.#comparison?.pairs ?? 0,
      wins: this.#comparison?.wins ?? 0,
      ...(this.#decidedAfterMs !== undefined ? { decidedAfterMs: this.#decidedAfterMs, decidedAt: this.#decidedAt } : {}),
      ...(this.#reason !== undefined ? { reason: this.#reason } : {}),
    };
  }

  /** The batcher closes: no more probing; resolves once a candidate being created is released. */
  close(): Promise<void> {
    this.#clearLimit();
    if (this.#phase !== 'decided') {
      this.#phase = 'decided';
      this.#reason = 'the batcher closed before the probe decided';
    }
    this.#spec = undefined;
    return this.#creating ?? Promise.resolve();
  }

  #record(i: number, m: ScheduleMeasurement): void {
    this.#rates[i]! += m.rowsPerSecond;
    this.#windows[i]!++;
  }

  #restart(): void {
    this.#windowComputeMs = 0;
    this.#windowBatches = 0;
    const slots = this.#active.schedule.report().inflightBatches;
    // The candidate's lone window only waits out its first runs: two rounds (a PP-OCR det batch
    // takes a second on a busy machine), at least TUNING_WINDOW_MS.
    if (this.#phase === 'tuning') this.#window.restart(0, 2 * slots + 1, TUNING_WINDOW_MS, slots);
    else this.#window.restart(0, WINDOW_ROUNDS * slots + 1, WINDOW_MS, slots);
  }

  #switchTo(lane: Lane<T>): void {
    if (lane !== this.#active) {
      this.#active = lane;
      this.#host.activate(lane);
    }
    this.#restart();
  }

  #create(): void {
    const spec = this.#spec;
    if (spec === undefined) return;
    this.#attempts++;
    this.#phase = 'creating';
    this.#reason = undefined;
    this.#limit = setTimeout(() => this.#giveUp(`no decision within ${PROBE_LIMIT_MS / 1000} s`, false), PROBE_LIMIT_MS);
    this.#limit.unref();
    let created: Promise<T>;
    try {
      created = spec.create() as Promise<T>;
    } catch (e) {
      created = Promise.reject(e);
    }
    this.#creating = created.then(
      (target) => {
        this.#creating = undefined;
        if (this.#phase !== 'creating' || this.#host.closing) return target.release();
        // The same rows in flight as the first layout's choice: it runs `slots` batches of `cap`
        // rows where the candidate runs one (the MLP: 2 × 32 → 64; PP-OCR det: 2 × 1 → 2, not 64
        // rows of ~80 ms each while its schedule warms up).
        const first = this.#first.schedule.report();
        const lane = this.#host.makeLane(target, spec.candidate, first.batchSizeCap * first.inflightBatches);
        // Compared at that choice, the layout's own (one large batch at a time), against the first
        // layout's settled one: neighbours its schedule tried inside its comparison windows counted
        // against the layout (the MLP's 2-thread candidate read 24 % below the first layout where the
        // same session with the fixed 64 × 1 setting answered 5–15 % more).
        lane.schedule.hold?.(true);
        this.#second = lane;
        this.#phase = 'tuning';
        this.#switchTo(lane);
        return undefined;
      },
      (e: unknown) => {
        this.#creating = undefined;
        if (this.#phase !== 'creating') return;
        const why = e instanceof Error ? e.message : String(e);
        this.#decide(this.#first, `the candidate layout could not be created: ${why}`);
      },
    );
  }

  /** Back to the first layout; `retry`: watch for saturating load again (within MAX_ATTEMPTS). */
  #giveUp(why: string, retry: boolean): void {
    if (this.#phase === 'decided') return;
    if (retry && this.#attempts < MAX_ATTEMPTS) {
      this.#clearLimit();
      this.#dropCandidate();
      this.#reason = `${why}; watching again`;
      this.#phase = 'watching';
      this.#switchTo(this.#first);
      return;
    }
    this.#decide(this.#first, `${why}; kept the first layout`);
  }

  #decide(winner: Lane<T>, why: string): void {
    this.#clearLimit();
    this.#phase = 'decided';
    this.#reason = why;
    this.#spec = undefined; // drops what creating another candidate would need (a copy of model bytes)
    const now = performance.now();
    this.#decidedAfterMs = now - this.#born;
    this.#decidedAt = Date.now();
    this.#switchTo(winner);
    winner.schedule.hold?.(false);
    if (winner === this.#first) this.#dropCandidate();
    else this.#host.retire(this.#first);
  }

  #dropCandidate(): void {
    const lane = this.#second;
    this.#second = undefined;
    if (lane !== undefined) this.#host.retire(lane);
  }

  #clearLimit(): void {
    if (this.#limit !== undefined) clearTimeout(this.#limit);
    this.#limit = undefined;
  }
}
