/**
 * The adaptive schedule's measurement window: what the batcher did while one choice (batch-size
 * cap, batches in flight) was in force, accumulated batch by batch in O(1) — rows answered per
 * second, mean request latency, mean batch, and the load (rows queued or in flight when a batch
 * completed). A window closes after enough batches and enough time to mean something; the
 * batches still in flight from the previous choice when it changed are skipped.
 *
 * Throughput counts from the window's first completion to its last (the first one's rows are
 * not counted: they ran before the window opened), over a whole number of rounds of `slots`
 * completions: batches running side by side tend to finish in bunches, and a window that ended
 * in the middle of one would count a bunch's rows without its time. A stretch with nothing to do — nothing in
 * flight after a completion and the next batch starting long after — is idle time, not a slow
 * configuration: beyond a short allowance (`idleMs`), it is left out of the window's time.
 */
import type { BatchSample, ScheduleMeasurement, ScheduleState } from '../schedule.js';

/** A window in which more than this share of the batches failed says nothing about the model. */
const MAX_FAILED_SHARE = 0.25;

export const INVALID = 'invalid';

export class MeasurementWindow {
  #minBatches = 8;
  #minMs = 40;
  #round = 1;
  #skip = 0;
  #start = -1;
  #last = 0;
  #lastEmpty = false;
  #idle = 0;
  #batches = 0;
  #failed = 0;
  #rows = 0;
  #timedRows = 0;
  #requests = 0;
  #latency = 0;
  #system = 0;

  /**
   * Starts a new window after skipping `skip` completions, closing after at least `minBatches`
   * batches and `minMs`, at a whole number of rounds of `round` completions.
   */
  restart(skip: number, minBatches: number, minMs: number, round: number): void {
    this.#skip = skip;
    this.#minBatches = minBatches;
    this.#minMs = minMs;
    this.#round = round;
    this.#start = -1;
    this.#idle = 0;
    this.#batches = 0;
    this.#failed = 0;
    this.#rows = 0;
    this.#timedRows = 0;
    this.#requests = 0;
    this.#latency = 0;
    this.#system = 0;
  }

  /**
   * Adds a finished batch. Returns the window's measurement when it closes, INVALID when it
   * closes with too many failed batches, else undefined. Either way the caller restarts it.
   */
  add(s: BatchSample, state: ScheduleState, idleMs: number): ScheduleMeasurement | typeof INVALID | undefined {
    const now = state.now;
    const gap = now - s.computeMs - this.#last;
    const wasEmpty = this.#lastEmpty;
    this.#last = now;
    this.#lastEmpty = state.inflightBatches === 0 && state.queuedRows === 0;
    if (this.#skip > 0) {
      this.#skip--;
      return undefined;
    }
    if (this.#start < 0) this.#start = now;
    else if (wasEmpty && gap > idleMs) this.#idle += gap - idleMs;
    this.#batches++;
    this.#system += state.queuedRows + state.inflightRows + s.rows;
    if (s.failed) this.#failed++;
    else {
      if (this.#batches > 1) this.#timedRows += s.rows;
      this.#rows += s.rows;
      this.#requests += s.requests;
      this.#latency += s.totalQueueWaitMs + s.requests * s.computeMs;
    }
    const ms = now - this.#start - this.#idle;
    if (this.#batches < this.#minBatches || ms < this.#minMs || (this.#batches - 1) % this.#round !== 0) return undefined;
    if (this.#failed > this.#batches * MAX_FAILED_SHARE || this.#requests === 0) return INVALID;
    return {
      rowsPerSecond: (this.#timedRows * 1000) / ms,
      latencyMs: this.#latency / this.#requests,
      meanBatchRows: this.#rows / (this.#batches - this.#failed),
      rowsInSystem: this.#system / this.#batches,
      batches: this.#batches,
      ms,
    };
  }
}
