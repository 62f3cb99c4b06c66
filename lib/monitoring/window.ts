/**
 * A sliding window of count vectors in constant memory. Observations are added into the current
 * sub-window (one flat Float64Array of `width` slots: per column its bin counts, per-bin sums and
 * a few scalars). When the sub-window closes — it holds `subWindowRows` rows, or `subWindowMs`
 * elapsed — it becomes the newest of the `subWindows` complete ones: the window's totals add it and
 * subtract the one that expired, O(width) per rotation and nothing per request beyond the
 * increments; no request is stored. Counts are integers in doubles, so the totals are exact.
 * Sums are floating point: a sum slot whose count slot reaches 0 is reset to 0, so rounding
 * never accumulates in an empty bin.
 */

export interface WindowOptions {
  /** Complete sub-windows the window holds (default 10). */
  subWindows?: number;
  /** A sub-window closes when it holds this many rows (default: no row limit). */
  subWindowRows?: number;
  /**
   * A sub-window closes when this much time passed since it opened, empty ones too, so an idle
   * window expires (default 60000 when subWindowRows is not set: a 10-minute window judged every minute).
   */
  subWindowMs?: number;
}

export class SlidingWindow {
  readonly subWindows: number;
  readonly subWindowRows: number;
  readonly subWindowMs: number;
  /** The window's totals over the complete sub-windows. */
  readonly totals: Float64Array;
  /** The open sub-window. */
  current: Float64Array;
  currentRows = 0;
  currentStart: number;
  /** Rows in the complete sub-windows. */
  rows = 0;
  /** Rotations so far (a report cache key). */
  rotations = 0;
  private readonly ring: Float64Array[];
  private readonly ringRows: Float64Array;
  private readonly ringStart: Float64Array;
  private readonly ringEnd: Float64Array;
  private head = 0;
  private filled = 0;

  /** @param sumToCount for each slot: the count slot whose zero resets it, or −1. */
  constructor(
    readonly width: number,
    private readonly sumToCount: Int32Array,
    options: WindowOptions,
    now: number,
  ) {
    this.subWindows = options.subWindows ?? 10;
    this.subWindowRows = options.subWindowRows ?? 0;
    this.subWindowMs = options.subWindowMs ?? (this.subWindowRows ? 0 : 60_000);
    this.totals = new Float64Array(width);
    this.current = new Float64Array(width);
    this.ring = Array.from({ length: this.subWindows }, () => new Float64Array(width));
    this.ringRows = new Float64Array(this.subWindows);
    this.ringStart = new Float64Array(this.subWindows);
    this.ringEnd = new Float64Array(this.subWindows);
    this.currentStart = now;
  }

  /** Complete sub-windows held (≤ subWindows). */
  get complete(): number {
    return this.filled;
  }

  /** Start of the oldest complete sub-window, end of the newest (ms), or null when none. */
  bounds(): { start: number | null; end: number | null } {
    if (!this.filled) return { start: null, end: null };
    const oldest = (this.head - this.filled + this.subWindows) % this.subWindows;
    const newest = (this.head - 1 + this.subWindows) % this.subWindows;
    return { start: this.ringStart[oldest]!, end: this.ringEnd[newest]! };
  }

  /** Whether the open sub-window is due to close (by rows or by time). */
  due(now: number): boolean {
    return (
      (this.subWindowRows > 0 && this.currentRows >= this.subWindowRows) ||
      (this.subWindowMs > 0 && now - this.currentStart >= this.subWindowMs)
    );
  }

  /** Closes the open sub-window at `end`: totals += it − the expired one. */
  rotate(end: number): void {
    const slot = this.head;
    const expired = this.ring[slot]!;
    const cur = this.current;
    const totals = this.totals;
    const dropping = this.filled === this.subWindows;
    for (let i = 0; i < this.width; i++) totals[i]! += cur[i]! - (dropping ? expired[i]! : 0);
    const map = this.sumToCount;
    for (let i = 0; i < this.width; i++) {
      const c = map[i]!;
      if (c >= 0 && totals[c] === 0) totals[i] = 0;
    }
    this.rows += this.currentRows - (dropping ? this.ringRows[slot]! : 0);
    this.ring[slot] = cur;
    this.ringRows[slot] = this.currentRows;
    this.ringStart[slot] = this.currentStart;
    this.ringEnd[slot] = end;
    expired.fill(0);
    this.current = expired;
    this.currentRows = 0;
    this.currentStart = end;
    this.head = (slot + 1) % this.subWindows;
    if (!dropping) this.filled++;
    this.rotations++;
  }

  /**
   * Closes every sub-window due by `now` (time-based: one per elapsed period, so an idle window
   * expires; after a whole window of silence it is simply emptied). Returns how many rotated.
   */
  advance(now: number): number {
    if (!this.subWindowMs) {
      if (this.due(now)) {
        this.rotate(now);
        return 1;
      }
      return 0;
    }
    let n = 0;
    if (this.subWindowRows > 0 && this.currentRows >= this.subWindowRows) {
      this.rotate(now);
      n++;
    }
    while (now - this.currentStart >= this.subWindowMs && n <= this.subWindows) {
      this.rotate(this.currentStart + this.subWindowMs);
      n++;
    }
    if (now - this.currentStart >= this.subWindowMs) this.currentStart = now; // a long silence: skip ahead
    return n;
  }

  /** Forgets everything. */
  clear(now: number): void {
    this.totals.fill(0);
    this.current.fill(0);
    for (const r of this.ring) r.fill(0);
    this.ringRows.fill(0);
    this.rows = this.currentRows = this.filled = this.head = 0;
    this.currentStart = now;
    this.rotations++;
  }
}
