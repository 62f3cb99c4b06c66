/**
 * Paired comparison of two choices measured in alternating windows (A B A B …): each window of the
 * candidate (B) is compared with the mean of the current choice's (A) windows just before and
 * just after it, so a load or a machine that drifts during the test does not decide. The
 * adaptive schedule compares neighbouring batch settings with it; the Batcher's layout probe
 * compares session layouts with it.
 *
 * The verdict: adopt when the candidate answers more rows per second by MARGIN in at least two
 * pairs (two of two, or two of three; or as many rows, with lower latency, or as many rows when the
 * candidate is cheaper in some other way); reject as soon as it is clearly worse; judged after at
 * most MAX_PAIRS pairs. Under a latency target, a choice that meets it beats one that does not,
 * whatever their throughput. With long windows (each costs seconds at what may be the worse
 * choice), a pair that shows no win is the last.
 */
import type { ScheduleMeasurement } from '../schedule.js';

/** A candidate must beat the current choice by this share of throughput (or latency at equal throughput). */
export const MARGIN = 0.04;
/** A preferred candidate whose first pair shows it this many margins worse is dropped at once. */
const FAR_WORSE = 4;
/** Most A/B pairs measured for one candidate. */
export const MAX_PAIRS = 3;

/** The evidence gathered about one candidate; `add()` says what to do after each pair. */
export class PairedComparison {
  /** Pairs measured, and those the candidate won on throughput. */
  pairs = 0;
  wins = 0;
  /** Sums of log(candidate ÷ current) of throughput and of latency. */
  #rate = 0;
  #latency = 0;
  /** Pairs in which the current choice's windows, and the candidate's, met the latency target. */
  #currentMeets = 0;
  #candidateMeets = 0;
  readonly #target: number;
  readonly #tieToCandidate: boolean;

  /**
   * `maxLatencyMs`: the latency target, Infinity for none. `tieToCandidate`: a candidate as fast
   * as the current choice (within half the margin, over at least two pairs) is adopted — for a
   * candidate that is cheaper in some other way (the adaptive schedule's smaller batches).
   */
  constructor(maxLatencyMs: number, tieToCandidate = false) {
    this.#target = maxLatencyMs;
    this.#tieToCandidate = tieToCandidate;
  }

  /** Mean log(candidate ÷ current) of throughput over the pairs so far (0 before any). */
  get rate(): number {
    return this.pairs === 0 ? 0 : this.#rate / this.pairs;
  }

  /**
   * Adds the pair (the current choice's window `before`, the candidate's `candidate`, the current
   * choice's `after`): 1 adopt the candidate, -1 reject it, 0 measure another pair. `long`: the
   * windows are long (expensive batches), so one pair without a win ends it.
   */
  add(before: ScheduleMeasurement, candidate: ScheduleMeasurement, after: ScheduleMeasurement, long: boolean): -1 | 0 | 1 {
    this.pairs++;
    const r = Math.log(candidate.rowsPerSecond / ((before.rowsPerSecond + after.rowsPerSecond) / 2));
    if (r > 0) this.wins++;
    this.#rate += r;
    this.#latency += Math.log(candidate.latencyMs / ((before.latencyMs + after.latencyMs) / 2));
    const target = this.#target;
    if (target !== Infinity) {
      if (candidate.latencyMs <= target) this.#candidateMeets++;
      if (before.latencyMs <= target && after.latencyMs <= target) this.#currentMeets++;
    }
    const n = this.pairs;
    const rate = this.#rate / n;
    const latency = this.#latency / n;
    const up = Math.log(1 + MARGIN);
    const last = n >= MAX_PAIRS;
    if (target !== Infinity) {
      const candidateMeets = this.#candidateMeets === n;
      const currentMeets = this.#currentMeets === n;
      if (candidateMeets !== currentMeets && (n >= 2 || last)) return candidateMeets ? 1 : -1;
      if (!candidateMeets && !currentMeets) return latency < -up ? (n >= 2 ? 1 : 0) : last || latency > up ? -1 : 0;
    }
    // Clearly worse: stop paying for it. A preferred candidate (ties go to it) gets a second pair
    // unless the first shows it far worse: one window descheduled on a busy machine would
    // otherwise keep the current choice until the next search.
    if (rate < -up && (!this.#tieToCandidate || n >= 2 || rate < -FAR_WORSE * up)) return -1;
    if (n === 1 && long && rate <= up && latency >= -2 * up) return -1;
    // Better: in two pairs out of two, or two out of three (one lucky window is not enough).
    if (rate > up && n >= 2 && this.wins >= Math.min(n, MAX_PAIRS - 1)) return 1;
    if (rate > up && !last) return 0;
    // As fast: lower latency decides (or the tie goes to the candidate), else another pair until the last.
    const tie = n >= 2 && Math.abs(rate) < up / 2;
    if (this.#tieToCandidate && n >= 2 && rate > -up / 2) return 1;
    if (last || tie) return latency < -2 * up ? 1 : -1;
    return 0;
  }
}
