/**
 * A batch's compute time against its rows, `ms ≈ fixedMs + perRowMs × rows`, fitted by least
 * squares over recent batches with exponential forgetting (each new batch weighs 1, older ones
 * fade by `decay` per batch): O(1) per batch, five running sums. The adaptive schedule asks it how
 * many rows fit in a time budget (maxLatencyMs). BentoML's dispatcher fits the same line over its
 * last 50 batches.
 *
 * When the batch sizes barely vary (a steady load forms batches of one size) the line is not
 * identifiable; the fit is then proportional (`fixedMs` 0, `perRowMs` mean time ÷ mean rows), which
 * overestimates larger batches when there is a fixed cost: a budget is never overrun, and the
 * batches it allows grow as larger ones are seen. A negative intercept (per-row cost that grows
 * with the batch) is clamped to 0 for the same reason.
 */
export class CostModel {
  readonly #decay: number;
  #w = 0;
  #x = 0;
  #y = 0;
  #xx = 0;
  #xy = 0;
  #fixed = 0;
  #perRow = 0;
  #identified = false;

  constructor(decay = 0.95) {
    this.#decay = decay;
  }

  /** Effective number of batches the fit rests on. */
  get weight(): number {
    return this.#w;
  }

  get fixedMs(): number {
    return this.#fixed;
  }

  get perRowMs(): number {
    return this.#perRow;
  }

  /** The batch sizes vary enough for the line to be fitted (else the fit is proportional). */
  get identified(): boolean {
    return this.#identified;
  }

  /** Mean compute time of recent batches, ms. */
  get meanMs(): number {
    return this.#w > 0 ? this.#y / this.#w : 0;
  }

  add(rows: number, ms: number): void {
    if (!(ms >= 0) || !(rows >= 1)) return;
    const d = this.#decay;
    this.#w = this.#w * d + 1;
    this.#x = this.#x * d + rows;
    this.#y = this.#y * d + ms;
    this.#xx = this.#xx * d + rows * rows;
    this.#xy = this.#xy * d + rows * ms;
    const mx = this.#x / this.#w;
    const my = this.#y / this.#w;
    const variance = this.#xx / this.#w - mx * mx;
    const slope = variance > 0 ? (this.#xy / this.#w - mx * my) / variance : 0;
    // Identifiable: sizes spread by at least 10 % (and by half a row) of their mean, and a rising line.
    this.#identified = variance > Math.max(0.25, 0.01 * mx * mx) && slope > 0;
    if (this.#identified) {
      this.#perRow = slope;
      this.#fixed = Math.max(0, my - slope * mx);
    } else {
      this.#perRow = my / mx;
      this.#fixed = 0;
    }
  }

  /** Predicted compute time of a batch of `rows`, ms. */
  predict(rows: number): number {
    return this.#fixed + this.#perRow * rows;
  }

  /** Most rows whose predicted compute time is within `ms` (at least 1; Infinity before any batch). */
  rowsWithin(ms: number): number {
    if (this.#w === 0 || !(this.#perRow > 0)) return Infinity;
    return Math.max(1, Math.floor((ms - this.#fixed) / this.#perRow));
  }
}
