/**
 * `/metrics`: a prom-client registry whose ortex metrics are collected at scrape time from the
 * models' `stats()` (the request path only bumps the version's own counters), plus prom-client's
 * default process metrics. Every model metric is labelled `model` and `version` (a rollout
 * router adds its arm the same way). docs/serving.md maps them to Triton's `nv_inference_*`.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { HistogramSnapshot } from '../base/histogram.js';
import { DURATION_BUCKETS_S, type ModelVersion, type ModelVersionStats } from './model-version.js';
import type { ModelEntry, ModelRepository } from './repository.js';

export type Labels = Record<string, string | number>;
export interface Sample {
  metricName?: string;
  labels: Labels;
  value: number;
}
type MetricType = 'counter' | 'gauge' | 'histogram';

const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/**
 * Cumulative `le` buckets for `targets` from a histogram with finer bounds (scaled by `scale`):
 * a source bucket counts under the first target bound at or above its upper bound, so values
 * are never under-reported as faster than they were.
 */
export function rebucket(name: string, labels: Labels, s: HistogramSnapshot, targets: readonly number[], scale: number): Sample[] {
  const out: Sample[] = [];
  let i = 0;
  let cumulative = 0;
  for (const t of targets) {
    while (i < s.bounds.length && s.bounds[i]! * scale <= t * (1 + 1e-9)) cumulative += s.counts[i++]!;
    out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: t }, value: cumulative });
  }
  out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: s.count });
  out.push({ metricName: `${name}_sum`, labels, value: s.sum * scale });
  out.push({ metricName: `${name}_count`, labels, value: s.count });
  return out;
}

/** A metric prom-client's registry formats, whose samples are computed when scraped. */
export class ScrapedMetric {
  readonly aggregator = 'sum';
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    readonly samples: () => Sample[],
  ) {}
  async get(): Promise<{ name: string; help: string; type: MetricType; aggregator: string; values: Sample[] }> {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.samples() };
  }
  reset(): void {
    /* values come from the models; nothing to reset */
  }
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly #repo: ModelRepository;
  #scrape: ModelVersionStats[] = [];

  constructor(repo: ModelRepository, options: { processMetrics?: boolean } = {}) {
    this.#repo = repo;
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const perVersion = (fn: (s: ModelVersionStats, labels: Labels) => Sample[]) => () =>
      this.#scrape.flatMap((s) => fn(s, { model: s.model, version: s.version }));
    const perModel = (fn: (e: ModelEntry) => number) => () => repo.entries().map((e) => ({ labels: { model: e.name }, value: fn(e) }));
    const metrics = [
      // The first metric takes the snapshot every other one reads (the registry collects in this order).
      new ScrapedMetric(
        'ortex_requests_total',
        'Inference requests answered, by model, version and outcome (success or the error code).',
        'counter',
        () => {
          this.#scrape = [...repo.versions()].map((v: ModelVersion) => v.stats());
          return this.#scrape.flatMap((s) =>
            Object.entries(s.requests).map(([outcome, value]) => ({ labels: { model: s.model, version: s.version, outcome }, value })),
          );
        },
      ),
      new ScrapedMetric(
        'ortex_request_duration_seconds',
        'Time from routing a request to its encoded answer.',
        'histogram',
        perVersion((s, l) => rebucket('ortex_request_duration_seconds', l, s.requestSeconds.snapshot(), DURATION_BUCKETS_S, 1)),
      ),
      new ScrapedMetric(
        'ortex_queue_duration_seconds',
        'Time requests waited in the batcher queue before their batch started.',
        'histogram',
        perVersion((s, l) => rebucket('ortex_queue_duration_seconds', l, s.batcher.queueWaitMs, DURATION_BUCKETS_S, 1e-3)),
      ),
      new ScrapedMetric(
        'ortex_compute_duration_seconds',
        'Time each batch took to run in ONNX Runtime.',
        'histogram',
        perVersion((s, l) => rebucket('ortex_compute_duration_seconds', l, s.batcher.computeMs, DURATION_BUCKETS_S, 1e-3)),
      ),
      new ScrapedMetric(
        'ortex_batch_size',
        'Rows per batch run.',
        'histogram',
        perVersion((s, l) => rebucket('ortex_batch_size', l, s.batcher.batchSize, BATCH_BUCKETS, 1)),
      ),
      new ScrapedMetric(
        'ortex_queue_depth',
        'Rows waiting in the batcher queue (the autoscaling signal).',
        'gauge',
        perVersion((s, labels) => [{ labels, value: s.batcher.queued.rows }]),
      ),
      new ScrapedMetric(
        'ortex_inflight_requests',
        'Requests holding a model version now (decoding, queued, running or encoding).',
        'gauge',
        perVersion((s, labels) => [{ labels, value: s.inflight }]),
      ),
      new ScrapedMetric(
        'ortex_inflight_batches',
        'Batches running in ONNX Runtime now.',
        'gauge',
        perVersion((s, labels) => [{ labels, value: s.batcher.inflight.batches }]),
      ),
      new ScrapedMetric(
        'ortex_model_ready',
        '1 while a model version serves traffic.',
        'gauge',
        perVersion((s, labels) => [{ labels, value: s.state === 'ready' ? 1 : 0 }]),
      ),
      new ScrapedMetric(
        'ortex_model_loads_total',
        'Model versions loaded (including reloads).',
        'counter',
        perModel((e) => e.loads),
      ),
      new ScrapedMetric(
        'ortex_model_unloads_total',
        'Model versions taken out of traffic and released.',
        'counter',
        perModel((e) => e.unloads),
      ),
      new ScrapedMetric(
        'ortex_model_load_failures_total',
        'Model version loads that failed (the previous version, if any, kept serving).',
        'counter',
        perModel((e) => e.failures),
      ),
    ];
    for (const m of metrics) this.registry.registerMetric(m as never);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get repository(): ModelRepository {
    return this.#repo;
  }
}
