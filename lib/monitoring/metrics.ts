/**
 * Prometheus metrics for monitors, collected at scrape time: `monitor.collect(registry)` adds a
 * monitor to the registry's one set of ortex monitoring metrics (created on first use), and each
 * metric's collect() reads the monitors' cached reports and counters when /metrics is scraped —
 * the request path keeps no extra state. prom-client is loaded on first use, so importing
 * `ortex/monitoring` does not load it.
 *
 * Gauges:   ortex_drift_detected{model,version,scope}            1 when the model's inputs (scope="inputs") or outputs drift
 *           ortex_drift_share{model,version,scope}               share of drifted columns
 *           ortex_drift_window_rows{model,version}               rows in the judged window
 *           ortex_drift_judged{model,version}                    1 when the window holds ≥ minSamples rows and a profile
 *           ortex_feature_drift_detected{model,version,scope,feature,statistic}
 *           ortex_feature_drift_score{…}                         the p-value (tests) or distance (distances)
 *           ortex_feature_drift_threshold{…}
 * Counters: ortex_monitor_rows_total{model,version}              rows observed
 *           ortex_monitor_errors_total{model,version}            observe() faults swallowed
 *           ortex_input_violations_total{model,version,feature,rule,action}
 *           ortex_drift_triggers_total{model,version,channel,outcome}
 *           ortex_reservoir_exports_total{model,version}         export files written into a folder (retention applies)
 *           ortex_reservoir_export_deletions_total{model,version,outcome}  old exports retention deleted (ok) or could not (failed)
 */
import { createRequire } from 'node:module';
import type { Counter, Gauge, Registry } from 'prom-client';
import { OrtexError } from '../base/errors.js';
import type { Monitor } from './monitor.js';

const require = createRequire(import.meta.url);

type Client = typeof import('prom-client');

const groups = new WeakMap<Registry, Set<Monitor>>();

function createMetrics(registry: Registry, monitors: Set<Monitor>): void {
  const client = require('prom-client') as Client;
  const registers = [registry];
  const each = (fn: (m: Monitor, base: { model: string; version: string }) => void) => {
    for (const m of monitors) fn(m, { model: m.model, version: m.version });
  };
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge) => void) =>
    new client.Gauge({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        fill(this);
      },
    });
  const counter = (name: string, help: string, labelNames: string[], fill: (c: Counter) => void) =>
    new client.Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        fill(this);
      },
    });

  gauge(
    'ortex_drift_detected',
    '1 when the model\'s inputs (scope="inputs") or outputs (scope="outputs") drift from the reference profile',
    ['model', 'version', 'scope'],
    (g) =>
      each((m, base) => {
        const r = m.report();
        g.set({ ...base, scope: 'inputs' }, r.drifted ? 1 : 0);
        g.set({ ...base, scope: 'outputs' }, r.outputs.drifted ? 1 : 0);
      }),
  );
  gauge('ortex_drift_share', 'Share of drifted columns among those judged', ['model', 'version', 'scope'], (g) =>
    each((m, base) => {
      const r = m.report();
      g.set({ ...base, scope: 'inputs' }, r.share);
      g.set({ ...base, scope: 'outputs' }, r.outputs.share);
    }),
  );
  gauge('ortex_drift_window_rows', 'Rows in the sliding window the last judgment used', ['model', 'version'], (g) =>
    each((m, base) => g.set(base, m.report().window.rows)),
  );
  gauge(
    'ortex_drift_judged',
    '1 when the window holds at least minSamples rows and the model has a reference profile',
    ['model', 'version'],
    (g) =>
      each((m, base) => {
        const s = m.report().status;
        g.set(base, s === 'ok' || s === 'drift' ? 1 : 0);
      }),
  );
  const columnLabels = ['model', 'version', 'scope', 'feature', 'statistic'];
  const perColumn = (fill: (g: Gauge, labels: Record<string, string>, c: import('./monitor.js').ColumnDrift) => void) => (g: Gauge) =>
    each((m, base) => {
      const r = m.report();
      for (const c of [...r.features, ...r.outputs.columns])
        fill(g, { ...base, scope: c.scope, feature: c.name, statistic: c.statistic }, c);
    });
  gauge(
    'ortex_feature_drift_detected',
    '1 when the column drifts',
    columnLabels,
    perColumn((g, l, c) => g.set(l, c.drifted ? 1 : 0)),
  );
  gauge(
    'ortex_feature_drift_score',
    'The judging statistic: a p-value for tests (drift below the threshold), a distance otherwise (drift at or above it)',
    columnLabels,
    perColumn((g, l, c) => {
      if (c.score !== null) g.set(l, c.score);
    }),
  );
  gauge(
    'ortex_feature_drift_threshold',
    "The judging statistic's threshold",
    columnLabels,
    perColumn((g, l, c) => g.set(l, c.threshold)),
  );
  counter('ortex_monitor_rows_total', 'Rows observed by the monitor', ['model', 'version'], (c) =>
    each((m, base) => c.inc(base, m.stats().rows)),
  );
  counter('ortex_monitor_errors_total', 'Requests the monitor could not observe (never failed a prediction)', ['model', 'version'], (c) =>
    each((m, base) => c.inc(base, m.stats().errors)),
  );
  counter(
    'ortex_input_violations_total',
    'Schema rule violations, by feature, rule and action (reject or count)',
    ['model', 'version', 'feature', 'rule', 'action'],
    (c) =>
      each((m, base) => {
        for (const v of m.stats().violations) c.inc({ ...base, feature: v.feature, rule: v.rule, action: v.action }, v.count);
      }),
  );
  counter(
    'ortex_drift_triggers_total',
    'Retraining trigger deliveries by channel and outcome',
    ['model', 'version', 'channel', 'outcome'],
    (c) =>
      each((m, base) => {
        for (const d of m.triggerDeliveries()) c.inc({ ...base, channel: d.channel, outcome: d.outcome }, d.count);
      }),
  );
  counter('ortex_reservoir_exports_total', 'Reservoir sample files written into an export folder', ['model', 'version'], (c) =>
    each((m, base) => c.inc(base, m.exportStats().written)),
  );
  counter(
    'ortex_reservoir_export_deletions_total',
    'Old reservoir export files deleted by retention (outcome ok) or that could not be deleted (failed)',
    ['model', 'version', 'outcome'],
    (c) =>
      each((m, base) => {
        const s = m.exportStats();
        c.inc({ ...base, outcome: 'ok' }, s.deleted);
        c.inc({ ...base, outcome: 'failed' }, s.deleteFailures);
      }),
  );
}

/** Adds `monitor` to the registry's ortex monitoring metrics; returns the function that removes it. */
export function addToRegistry(registry: Registry, monitor: Monitor): () => void {
  if (!registry || typeof registry.registerMetric !== 'function')
    throw new OrtexError('ERR_INVALID_ARGUMENT', 'expected a prom-client Registry for collect()');
  let monitors = groups.get(registry);
  if (!monitors) {
    if (registry.getSingleMetric('ortex_drift_detected'))
      throw new OrtexError(
        'ERR_INVALID_ARGUMENT',
        'expected a registry without ortex monitoring metrics from another copy of ortex, received one that has ortex_drift_detected',
      );
    monitors = new Set();
    createMetrics(registry, monitors);
    groups.set(registry, monitors);
  }
  const set = monitors;
  set.add(monitor);
  const leave = () => {
    set.delete(monitor);
    monitor.registries.delete(leave);
  };
  monitor.registries.add(leave);
  return leave;
}
