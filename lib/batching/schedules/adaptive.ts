/**
 * The 'adaptive' schedule (the default): it chooses how many batches run at once and how many rows
 * a batch may take from what it measures, and keeps choosing as the load changes.
 *
 * Dispatch. A request never waits for company: whenever a run slot is free, a batch starts with
 * what is queued — so a lone request runs at once. Batches form while every slot is busy, and the
 * rows in the system (queued + in flight) are shared evenly over the slots: a batch takes
 * `min(cap, ceil(rows in system ÷ slots))`. Without that share, callers that arrive together
 * stay together (one batch of everyone, the other slots idle).
 *
 * The choice. Two knobs: `slots` (batches in flight, from the target's parallelism hint up to the
 * batcher's bound: batches queued in the runtime behind running ones hide the JS thread's merge
 * and split work) and `cap` (most rows per batch, up to maxBatchSize: a model whose cost per row
 * grows with the batch runs best with small batches). It searches them online the way Triton's
 * model analyzer sweeps batch size × concurrency offline: hill-climbing over neighbouring choices
 * (one slot more or fewer, half or twice the batch). A neighbour is measured in windows
 * alternating with the current choice (A B A B …), each of its windows against the mean of the
 * current choice's windows just before and just after it, so a load or a machine that drifts
 * during the test does not decide; it is adopted when it answers more rows per second by a
 * margin in at least two pairs (two of two, or two of three; or as many, with lower latency;
 * schedules/compare.ts) — a smaller batch that still computes for TIE_BATCH_MS needs only to be
 * as fast, and one pair showing it worse (unless far worse) is not its last —, dropped as soon
 * as it is clearly worse, and judged after at most three pairs. When no
 * neighbour is better it settles; it searches again when the load changes (rows in the system
 * by 1.5×, or throughput at that load by a third) and after 30 windows (doubling each time
 * nothing better is found, up to 16×). Too little load for the choice to matter (fewer rows in
 * the system than slots + 1) keeps the last choice.
 *
 * Expensive batches (over LONG_BATCH_MS of compute, e.g. PP-OCR det on a CPU at ~80 ms a row):
 * a window lasts seconds there, and a second at a worse choice is a second of lost throughput.
 * Such a batch has nothing left to amortise, so during the warmup (after four long batches: not
 * on a first run's warm-up alone) the cap comes down to the rows that fit in LONG_BATCH_MS (the
 * search starts there, not at maxBatchSize), and once the batch sizes seen identify the cost
 * line, back up to where its fixed part is at most a third of the rows' part (rows that get
 * cheaper in larger batches, as on a GPU). A neighbour measured in long windows is dropped after
 * one pair that shows no win.
 *
 * Latency target (maxLatencyMs): the cap never lets a batch's predicted compute time exceed half
 * of it (a line fitted to recent batches' compute time against their rows, as BentoML's
 * dispatcher does; the other half is left for the wait for a slot), and a neighbour whose mean
 * latency misses the target loses to a choice that meets it.
 *
 * Its own work is O(1) per batch: a few sums per completion, a comparison per window.
 */
import type {
  BatchSample,
  BatchSchedule,
  QueueGroup,
  ScheduleMeasurement,
  ScheduleOptions,
  ScheduleReport,
  ScheduleState,
} from '../schedule.js';
import { PairedComparison } from './compare.js';
import { CostModel } from './cost-model.js';
import { INVALID, MeasurementWindow } from './measure.js';

/** A window lasts at least this long, and at least 3 rounds of one completion per slot. */
const WINDOW_MS = 100;
const WINDOW_ROUNDS = 3;
/**
 * A batch that computes this long has amortised what batching saves per run (a thread hop, a run's
 * setup: well under 1 ms) to under 2 %: while warming up, the cap comes down to the rows that fit
 * in it, and the search starts there (LARGER finds models whose rows get cheaper in larger batches).
 */
export const LONG_BATCH_MS = 50;
/**
 * A smaller batch as fast as the current one wins (schedules/compare.ts: ties to the candidate)
 * when it still computes this long: a thread hop and a run's setup (25–100 µs here) are then a
 * small share of it.
 */
const TIE_BATCH_MS = 1;
/** At most this many changes of the cap while warming up (a first guess, then the fitted line's correction). */
const MAX_START_ADJUSTMENTS = 2;
/**
 * Where the fitted line shows a fixed part, the start keeps batches large enough for it to be at
 * most this share of their rows' part (rows ≥ 3 × fixedMs ÷ perRowMs); LARGER goes on from there.
 * A tighter share (MARGIN) read a noisy machine's spurious intercept as batches of 10.
 */
const START_FIXED_SHARE = 1 / 3;
/** Once settled, search again after this many windows (doubled each time nothing better is found, up to 16×). */
const RECHECK_WINDOWS = 30;
const MAX_RECHECK_BACKOFF = 16;
/** Once settled, search again when the rows in the system change by this factor... */
const LOAD_CHANGE = 1.5;
/** ... or when throughput at the same load changes by this factor (the model's cost changed). */
const THROUGHPUT_CHANGE = 1.33;

const MORE = 0,
  FEWER = 1,
  SMALLER = 2,
  LARGER = 3;
/** The order moves are tried in; after an adopted move, the same move is tried again first. */
const ORDER = [SMALLER, MORE, LARGER, FEWER] as const;
const OPPOSITE = [FEWER, MORE, LARGER, SMALLER] as const;
type Move = (typeof ORDER)[number];

type Phase = 'warmup' | 'measuring' | 'probing' | 'confirming' | 'settled' | 'light';

interface Probe {
  move: Move;
  /** The choice it moved from (the current one), and the one it measures. */
  fromSlots: number;
  fromCap: number;
  slots: number;
  cap: number;
  /** The current choice's window before the neighbour's latest one. */
  before: ScheduleMeasurement;
  /** The neighbour's latest window. */
  window: ScheduleMeasurement | undefined;
  /** The pairs measured so far. */
  evidence: PairedComparison;
}

export function adaptiveSchedule(options: ScheduleOptions): BatchSchedule {
  return new AdaptiveSchedule(options);
}

class AdaptiveSchedule implements BatchSchedule {
  readonly name = 'adaptive';
  readonly #minSlots: number;
  readonly #parallelism: number;
  readonly #maxSlots: number;
  readonly #maxBatch: number;
  readonly #target: number;
  #slots: number;
  #cap: number;
  #latencyCap = Infinity;
  #phase: Phase = 'warmup';
  readonly #window = new MeasurementWindow();
  readonly #cost = new CostModel();
  #probe: Probe | undefined;
  /** Moves found no better since the choice last changed (bit per move). */
  #tried = 0;
  /** Index in ORDER of the move to try next. */
  #next = 0;
  /** While settled: the window it settled on, windows since, and windows until the next search. */
  #reference: ScheduleMeasurement | undefined;
  #settledWindows = 0;
  #recheck = RECHECK_WINDOWS;
  /** Changes made when the current search began (a search that changes nothing backs off). */
  #searchFrom = -1;
  /** The latest window at the current choice (stats). */
  #last: ScheduleMeasurement | undefined;
  #probes = 0;
  #changes = 0;
  #startAdjustments = 0;
  /** Held (hold()): measuring only, no neighbour tried. */
  #held = false;

  constructor(o: ScheduleOptions) {
    this.#maxSlots = o.maxInflightBatches;
    this.#maxBatch = o.maxBatchSize;
    this.#target = o.maxLatencyMs;
    // Below the target's own parallelism a slot is a core left idle: never worth probing.
    this.#minSlots = Math.max(1, Math.min(o.targetParallelism, o.maxInflightBatches));
    this.#parallelism = Math.max(1, o.targetParallelism);
    this.#slots = this.#minSlots;
    this.#cap = Math.max(1, Math.min(o.maxBatchSize, o.startBatchSize ?? o.maxBatchSize));
    this.#restart(0);
  }

  inflightLimit(): number {
    return this.#slots;
  }

  batchSize(_g: QueueGroup, s: ScheduleState): number {
    const share = Math.ceil((s.queuedRows + s.inflightRows) / this.#slots);
    return Math.max(1, Math.min(this.#cap, this.#latencyCap, share));
  }

  wakeAt(): number {
    return Infinity;
  }

  completed(sample: BatchSample, state: ScheduleState): void {
    const cost = this.#cost;
    // The cost line is of compute alone: a batch started behind the target's parallelism may have
    // waited inside it (counting that wait would shrink the cap, which queues more, and so on).
    if (!sample.failed && sample.startedBehind < this.#parallelism) {
      cost.add(sample.rows, sample.computeMs);
      if (this.#target !== Infinity && cost.weight >= 4) this.#latencyCap = cost.rowsWithin(this.#target / 2);
      // Long batches, seen in at least four (a first run that pays for the session's warm-up, or a
      // batch descheduled on a busy machine, does not decide alone).
      const long = cost.weight >= 3 && sample.computeMs > LONG_BATCH_MS && cost.predict(sample.rows) > LONG_BATCH_MS;
      if (this.#phase === 'warmup' && this.#startAdjustments < MAX_START_ADJUSTMENTS && long) {
        const cap = this.#startingCap();
        if (cap !== this.#cap) {
          // The warmup starts over: the batches in flight formed under the old cap.
          this.#startAdjustments++;
          this.#cap = cap;
          this.#restart(state.inflightBatches);
          return;
        }
      }
    }
    const m = this.#window.add(sample, state, Math.max(1, 2 * cost.meanMs));
    if (m === undefined) return;
    if (m === INVALID) {
      // Mostly failures: nothing to learn. Back to the choice in force before any probe.
      this.#abandonProbe();
      this.#restart(state.inflightBatches);
      return;
    }
    this.#windowClosed(m, state.inflightBatches);
  }

  resumed(): void {
    this.#restart(0);
  }

  hold(on: boolean): void {
    this.#held = on;
  }

  report(): ScheduleReport {
    const cost = this.#cost;
    return {
      name: this.name,
      batchSizeCap: Math.min(this.#cap, this.#latencyCap),
      inflightBatches: this.#slots,
      phase: this.#phase === 'confirming' ? 'probing' : this.#phase,
      ...(this.#last ? { measured: this.#last } : {}),
      ...(cost.weight >= 4 ? { cost: { fixedMs: cost.fixedMs, perRowMs: cost.perRowMs } } : {}),
      ...(this.#target !== Infinity ? { maxLatencyMs: this.#target } : {}),
      probes: this.#probes,
      changes: this.#changes,
    };
  }

  /**
   * Where the search starts on long batches (over LONG_BATCH_MS): the rows that fit in
   * LONG_BATCH_MS, or, once the batch sizes seen vary enough to fit the line, as many rows as it
   * takes for the fixed part of a batch's cost to be at most START_FIXED_SHARE of its rows' part
   * (rows that get cheaper in larger batches, as on a GPU, keep large batches).
   */
  #startingCap(): number {
    const cost = this.#cost;
    const fits = cost.rowsWithin(LONG_BATCH_MS);
    const amortised = cost.identified ? Math.ceil(cost.fixedMs / (START_FIXED_SHARE * cost.perRowMs)) : 1;
    return Math.max(1, Math.min(this.#maxBatch, Math.max(fits, amortised)));
  }

  // --- the search ------------------------------------------------------------------------------

  /** A window closed; `inflight` batches (formed under the choice it measured) are still running. */
  #windowClosed(m: ScheduleMeasurement, inflight: number): void {
    if (this.#phase === 'warmup') {
      this.#phase = 'measuring';
      this.#restart(0);
      return;
    }
    if (m.rowsInSystem < this.#slots + 1) {
      // Too little load for the choice to matter: keep the current one.
      const probing = this.#abandonProbe();
      this.#phase = 'light';
      if (!probing) this.#last = m;
      this.#restart(probing ? inflight : 0);
      return;
    }
    switch (this.#phase) {
      case 'light':
      case 'measuring':
        this.#last = m;
        if (this.#held) this.#restart(0);
        else this.#startProbe(m, inflight);
        return;
      case 'probing': {
        const p = this.#probe!;
        p.window = m;
        this.#set(p.fromSlots, p.fromCap);
        this.#phase = 'confirming';
        this.#restart(inflight);
        return;
      }
      case 'confirming': {
        this.#last = m;
        const verdict = this.#judge(this.#probe!, m);
        if (verdict > 0) this.#adopt(inflight);
        else if (verdict < 0) this.#reject(m, inflight);
        else {
          // Not clear yet: another pair.
          const p = this.#probe!;
          p.before = m;
          this.#set(p.slots, p.cap);
          this.#phase = 'probing';
          this.#restart(inflight);
        }
        return;
      }
      case 'settled': {
        const ref = this.#reference!;
        this.#last = m;
        const load = m.rowsInSystem / ref.rowsInSystem;
        const rate = m.rowsPerSecond / ref.rowsPerSecond;
        const changed = load > LOAD_CHANGE || load < 1 / LOAD_CHANGE || rate > THROUGHPUT_CHANGE || rate < 1 / THROUGHPUT_CHANGE;
        if (changed) this.#recheck = RECHECK_WINDOWS;
        if (changed || ++this.#settledWindows >= this.#recheck) {
          this.#tried = 0;
          this.#searchFrom = this.#changes;
          this.#startProbe(m, 0);
        } else this.#restart(0);
        return;
      }
    }
  }

  /**
   * Adds the pair (neighbour's latest window, the current choice's windows before and after it)
   * to the probe's evidence: 1 adopt, -1 reject, 0 measure another pair.
   */
  #judge(p: Probe, after: ScheduleMeasurement): number {
    const b = p.window!;
    // Long batches make long windows: a pair that shows no win is the last.
    return p.evidence.add(p.before, b, after, this.#cost.predict(b.meanBatchRows) > LONG_BATCH_MS);
  }

  #adopt(inflight: number): void {
    const p = this.#probe!;
    this.#probe = undefined;
    this.#set(p.slots, p.cap);
    this.#changes++;
    this.#tried = 1 << OPPOSITE[p.move];
    this.#next = ORDER.indexOf(p.move); // the same move again first
    this.#phase = 'measuring';
    this.#restart(inflight);
  }

  /** The probe was no better; `m` is the current choice's latest window: probe the next neighbour from it. */
  #reject(m: ScheduleMeasurement, inflight: number): void {
    const p = this.#probe!;
    this.#probe = undefined;
    this.#tried |= 1 << p.move;
    this.#next = (ORDER.indexOf(p.move) + 1) % ORDER.length;
    this.#startProbe(m, inflight);
  }

  /** Probes the next untried neighbour of the current choice (measured in `a`), or settles when none is left. */
  #startProbe(a: ScheduleMeasurement, inflight: number): void {
    for (let n = 0; n < ORDER.length; n++) {
      const i = (this.#next + n) % ORDER.length;
      const move = ORDER[i]!;
      if (this.#tried & (1 << move)) continue;
      const to = this.#neighbour(move, a);
      if (to === undefined) continue;
      this.#next = i;
      this.#probe = {
        move,
        fromSlots: this.#slots,
        fromCap: this.#cap,
        slots: to[0],
        cap: to[1],
        before: a,
        window: undefined,
        // At the same throughput a smaller batch is better: each request waits less for its batch
        // to fill and to compute, and it holds less memory. Only where it still computes for
        // TIE_BATCH_MS: below, a run's own overhead is a real share of it, and a tie measured in
        // noisy windows more likely hides a loss (the MLP, 0.2 ms a batch).
        evidence: new PairedComparison(this.#target, move === SMALLER && this.#cost.predict(to[1]) >= TIE_BATCH_MS),
      };
      this.#probes++;
      this.#set(to[0], to[1]);
      this.#phase = 'probing';
      this.#restart(inflight);
      return;
    }
    // A periodic search that found nothing better waits twice as long for the next one.
    if (this.#searchFrom === this.#changes) this.#recheck = Math.min(this.#recheck * 2, RECHECK_WINDOWS * MAX_RECHECK_BACKOFF);
    else this.#recheck = RECHECK_WINDOWS;
    this.#searchFrom = -1;
    this.#phase = 'settled';
    this.#reference = a;
    this.#settledWindows = 0;
    this.#restart(0);
  }

  /** The choice one `move` away from the current one, or undefined where the move changes nothing. */
  #neighbour(move: Move, a: ScheduleMeasurement): [number, number] | undefined {
    const slots = this.#slots;
    const cap = this.#cap;
    switch (move) {
      case MORE:
        // One more slot only helps if the load can fill it.
        return slots < this.#maxSlots && a.rowsInSystem >= slots + 2 ? [slots + 1, cap] : undefined;
      case FEWER:
        return slots > this.#minSlots ? [slots - 1, cap] : undefined;
      case SMALLER: {
        // Half the batches actually run (the cap may be far above them).
        const half = Math.max(1, Math.round(a.meanBatchRows / 2));
        return half < Math.min(cap, a.meanBatchRows) ? [slots, half] : undefined;
      }
      case LARGER:
        // Only a cap that binds (and not the latency target's) is worth raising.
        return cap < this.#maxBatch && cap <= this.#latencyCap && a.meanBatchRows >= 0.9 * cap
          ? [slots, Math.min(this.#maxBatch, cap * 2)]
          : undefined;
    }
  }

  /** Ends a probe in progress, back to the choice it moved from. True if there was one. */
  #abandonProbe(): boolean {
    const p = this.#probe;
    if (p === undefined) return false;
    this.#probe = undefined;
    this.#set(p.fromSlots, p.fromCap);
    if (this.#phase !== 'warmup') this.#phase = 'measuring';
    return true;
  }

  #set(slots: number, cap: number): void {
    this.#slots = slots;
    this.#cap = cap;
  }

  #restart(skip: number): void {
    this.#window.restart(skip, WINDOW_ROUNDS * this.#slots + 1, WINDOW_MS, this.#slots);
  }
}
