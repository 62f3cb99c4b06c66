/**
 * A bounded sample of recent inputs, for retraining. Off unless a size is configured. The sample
 * follows the drift window: each sub-window keeps a uniform sample of its own rows (Vitter's
 * Algorithm R, ⌈size/subWindows⌉ rows), and a sub-window's sample expires with it, so an export
 * holds rows from the same window the drift report judged (the complete sub-windows plus the open
 * one: at most size + ⌈size/subWindows⌉ rows). Slots are preallocated arrays reused in place, so
 * sampling allocates nothing per request. Sub-windows of unequal traffic are sampled equally
 * (a stratified sample, not a uniform one over the window).
 */
import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from './atomic-file.js';
import type { RowView } from './schema.js';

/** xorshift32: a small seeded generator, uniform in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

class Stratum {
  readonly slots: unknown[][];
  seen = 0;
  constructor(capacity: number, width: number) {
    this.slots = Array.from({ length: capacity }, () => new Array<unknown>(width));
  }
  get size(): number {
    return Math.min(this.seen, this.slots.length);
  }
}

export interface ReservoirOptions {
  /** Rows kept (0 = off, the default). */
  size?: number;
  /** Seed for the sampling (default: random). */
  seed?: number;
  /** Folder for Monitor.exportReservoirTo() without a folder (default: none, the call must name one). */
  dir?: string;
  /** Newest export files kept per model version in an export folder (default 10; 0: no limit by count). See export-files.ts. */
  keep?: number;
  /** Export files older than this (ms, by the time in their name) are deleted after each export (default: no age limit). */
  maxAgeMs?: number;
}

export class Reservoir {
  readonly capacity: number;
  private readonly strata: Stratum[];
  private head = 0; // the open stratum
  private readonly next: () => number;

  /** @param format a value as CSV cell text (Schema.formatText). */
  constructor(
    readonly featureNames: readonly string[],
    size: number,
    subWindows: number,
    seed = Math.floor(Math.random() * 2 ** 32),
    private readonly format: (feature: number, v: unknown) => string = (_f, v) => cell(v),
  ) {
    this.capacity = Math.ceil(size / subWindows);
    this.strata = Array.from({ length: subWindows + 1 }, () => new Stratum(this.capacity, featureNames.length));
    this.next = random(seed);
  }

  /** Samples the rows of one request into the open sub-window's stratum. */
  add(view: RowView): void {
    const s = this.strata[this.head]!;
    const width = this.featureNames.length;
    for (let r = 0; r < view.rows; r++) {
      const t = s.seen++;
      const j = t < this.capacity ? t : Math.floor(this.next() * (t + 1));
      if (j >= this.capacity) continue;
      const slot = s.slots[j]!;
      for (let f = 0; f < width; f++) slot[f] = view.value(r, f);
    }
  }

  /** The open sub-window closed: the oldest stratum expires and becomes the open one. */
  rotate(): void {
    this.head = (this.head + 1) % this.strata.length;
    this.strata[this.head]!.seen = 0;
  }

  clear(): void {
    for (const s of this.strata) s.seen = 0;
  }

  /** Rows held, oldest sub-window first (copies). */
  rows(): unknown[][] {
    const out: unknown[][] = [];
    for (let k = 1; k <= this.strata.length; k++) {
      const s = this.strata[(this.head + k) % this.strata.length]!;
      for (let i = 0; i < s.size; i++) out.push(s.slots[i]!.slice());
    }
    return out;
  }

  get size(): number {
    return this.strata.reduce((n, s) => n + s.size, 0);
  }

  /** CSV with a header of feature names; missing cells empty, NaN and ±Infinity spelled so `ortex validate` and `ortex profile` read them back. */
  toCsv(): string {
    return this.snapshot().csv;
  }

  /** toCsv() and the number of rows in it, from one reading of the sample. */
  snapshot(): { csv: string; rows: number } {
    const rows = this.rows();
    return { csv: stringify(this.table(rows)), rows: rows.length };
  }

  private table(rows: unknown[][]): string[][] {
    return [this.featureNames as string[], ...rows.map((r) => r.map((v, f) => this.format(f, v)))];
  }

  /** Writes toCsv() to a file atomically (a reader sees the old file or the whole new one; the folder is created); resolves to the rows written. */
  async writeCsv(path: string): Promise<number> {
    const { csv, rows } = this.snapshot();
    await writeFileAtomic(path, csv);
    return rows;
  }
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  return String(v);
}
