/**
 * The dashboard's JSON state (`GET /dashboard/api/state`), computed on request from the
 * repository and each serving version's `stats()`: per model and version, what happened in the
 * last interval (request rate, latency percentiles, batch sizes, queue wait, errors by code)
 * next to what is true now (queue depth, in-flight) and the totals since the version loaded.
 *
 * Interval figures are differences between two snapshots of the same cumulative counters
 * (histogram bucket counts included), so they are exact for the requests answered in between
 * and the request path keeps nothing extra. Nothing runs while nobody looks: no timer, no
 * observer; a request computes a new snapshot only when the last one is at least
 * `minIntervalMs` old and otherwise gets the cached answer, so any number of open pages costs
 * at most one computation per interval.
 */
import { bucketPercentile, type HistogramSnapshot } from '../../base/histogram.js';
import type { ModelVersion, ModelVersionStats, VersionState } from '../model-version.js';
import type { ModelEntry, ModelRepository } from '../repository.js';

/** The youngest snapshot the state is recomputed from (ms); polls in between get the cached answer. */
export const DASHBOARD_MIN_INTERVAL_MS = 500;

/** Percentiles of what a histogram counted in the interval (null: nothing counted). */
export interface WindowPercentiles {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface DashboardVersion {
  version: string;
  state: VersionState;
  loaded_at: string;
  /** Length of the interval the `window` and `rate` figures cover, in seconds. */
  window_s: number;
  requests: { total: number; window: number; rate: number };
  /** Requests answered with an error code: totals, in the interval, and their share of the interval's requests. */
  errors: {
    total: number;
    window: number;
    rate: number;
    ratio: number | null;
    by_code: Record<string, { total: number; window: number; rate: number }>;
  };
  /** Time from routing to the encoded answer, in ms, of the interval's requests. */
  latency_ms: WindowPercentiles | null;
  /** Batches run in the interval and their rows; the batcher's cap and schedule. */
  batch: { batches: number; rows: WindowPercentiles | null; max_rows: number; schedule: string };
  /** Queue depth now, its cap, and the interval's queue wait in ms. */
  queue: { rows: number; requests: number; max_rows: number | null; wait_ms: WindowPercentiles | null };
  /** Requests holding the version and batches running, now. */
  inflight: { requests: number; batches: number };
  /** Time batches took in ONNX Runtime, in ms, in the interval. */
  compute_ms: WindowPercentiles | null;
}

/** A model as the repository knows it (state, the reason it is not as configured, versions on disk, load counters), with its serving versions, oldest first. */
export type DashboardModel = Pick<ModelEntry, 'name' | 'state' | 'reason' | 'loads' | 'unloads' | 'failures'> & {
  available: string[];
  versions: DashboardVersion[];
};

export interface DashboardState {
  time: string;
  server: { version: string; ready: boolean; uptime_s: number };
  models: DashboardModel[];
}

/** The cumulative counters of one version at one moment: what the next interval is measured from. */
interface Counters {
  at: number;
  requests: Record<string, number>;
  latency: HistogramSnapshot;
  batchSize: HistogramSnapshot;
  queueWait: HistogramSnapshot;
  compute: HistogramSnapshot;
}

const versionKey = (v: ModelVersion) => `${v.model}\u0000${v.version}\u0000${v.loadedAt}`;

/** What `now` counted beyond `before` (same bounds), scaled; null when nothing. */
function windowOf(now: HistogramSnapshot, before: HistogramSnapshot | undefined, scale = 1): WindowPercentiles | null {
  const counts = before ? now.counts.map((c, i) => c - (before.counts[i] ?? 0)) : now.counts;
  const count = before ? now.count - before.count : now.count;
  if (count <= 0) return null;
  const sum = before ? now.sum - before.sum : now.sum;
  const at = (p: number) => bucketPercentile(now.bounds, counts, p, now.min, now.max) * scale;
  return { count, mean: (sum / count) * scale, p50: at(50), p90: at(90), p99: at(99) };
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

function roundWindow(w: WindowPercentiles | null): WindowPercentiles | null {
  return w && { count: w.count, mean: round(w.mean), p50: round(w.p50), p90: round(w.p90), p99: round(w.p99) };
}

function versionState(s: ModelVersionStats, loadedAt: number, now: Counters, before: Counters | undefined): DashboardVersion {
  const seconds = Math.max((now.at - (before?.at ?? loadedAt)) / 1000, 1e-3);
  const perSecond = (n: number) => round(n / seconds);
  let total = 0;
  let windowTotal = 0;
  let errorTotal = 0;
  let errorWindow = 0;
  const byCode: DashboardVersion['errors']['by_code'] = {};
  for (const [outcome, n] of Object.entries(now.requests)) {
    const w = n - (before?.requests[outcome] ?? 0);
    total += n;
    windowTotal += w;
    if (outcome === 'success') continue;
    errorTotal += n;
    errorWindow += w;
    byCode[outcome] = { total: n, window: w, rate: perSecond(w) };
  }
  const b = s.batcher;
  const batches = windowOf(now.batchSize, before?.batchSize);
  return {
    version: s.version,
    state: s.state,
    loaded_at: new Date(loadedAt).toISOString(),
    window_s: round(seconds),
    requests: { total, window: windowTotal, rate: perSecond(windowTotal) },
    errors: {
      total: errorTotal,
      window: errorWindow,
      rate: perSecond(errorWindow),
      ratio: windowTotal > 0 ? round(errorWindow / windowTotal, 4) : null,
      by_code: byCode,
    },
    latency_ms: roundWindow(windowOf(now.latency, before?.latency, 1000)),
    batch: { batches: batches?.count ?? 0, rows: roundWindow(batches), max_rows: b.config.maxBatchSize, schedule: b.config.schedule },
    queue: {
      rows: b.queued.rows,
      requests: b.queued.requests,
      max_rows: Number.isFinite(b.config.maxQueueSize) ? b.config.maxQueueSize : null,
      wait_ms: roundWindow(windowOf(now.queueWait, before?.queueWait)),
    },
    inflight: { requests: s.inflight, batches: b.inflight.batches },
    compute_ms: roundWindow(windowOf(now.compute, before?.compute)),
  };
}

export interface DashboardStateOptions {
  serverVersion: string;
  minIntervalMs?: number;
  /** Clock (ms since the epoch); tests may pass their own. */
  now?: () => number;
}

/** Computes {@link DashboardState} on request, measuring each interval from the previous snapshot. */
export class DashboardStateSource {
  readonly #repo: ModelRepository;
  readonly #o: Required<DashboardStateOptions>;
  readonly #startedAt: number;
  /** The snapshot the last answer was measured to, per version. */
  #last = new Map<string, Counters>();
  #lastAt = -Infinity;
  #cached: DashboardState | undefined;

  constructor(repo: ModelRepository, options: DashboardStateOptions) {
    this.#repo = repo;
    this.#o = { minIntervalMs: DASHBOARD_MIN_INTERVAL_MS, now: Date.now, ...options };
    this.#startedAt = this.#o.now();
  }

  /** The state now, or the cached one when the last was computed less than `minIntervalMs` ago. */
  state(): DashboardState {
    const at = this.#o.now();
    if (this.#cached && at - this.#lastAt < this.#o.minIntervalMs) return this.#cached;
    const next = new Map<string, Counters>();
    const models: DashboardModel[] = [];
    for (const e of this.#repo.entries()) {
      const versions: DashboardVersion[] = [];
      for (const v of [...e.versions.values()].sort((a, b) => Number(a.version) - Number(b.version))) {
        const s = v.stats();
        const counters: Counters = {
          at,
          requests: s.requests,
          latency: s.requestSeconds.snapshot(),
          batchSize: s.batcher.batchSize,
          queueWait: s.batcher.queueWaitMs,
          compute: s.batcher.computeMs,
        };
        const key = versionKey(v);
        next.set(key, counters);
        versions.push(versionState(s, v.loadedAt, counters, this.#last.get(key)));
      }
      models.push({
        name: e.name,
        state: e.state,
        reason: e.reason,
        available: [...e.available],
        loads: e.loads,
        unloads: e.unloads,
        failures: e.failures,
        versions,
      });
    }
    models.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.#last = next;
    this.#lastAt = at;
    this.#cached = {
      time: new Date(at).toISOString(),
      server: { version: this.#o.serverVersion, ready: this.#repo.ready, uptime_s: round((at - this.#startedAt) / 1000, 1) },
      models,
    };
    return this.#cached;
  }
}
