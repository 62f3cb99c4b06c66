/**
 * The per-model monitor: validates requests against the schema, counts live inputs and outputs
 * into a constant-memory sliding window on the reference profile's frozen bins, judges the window
 * against the reference after every sub-window (drift statistics, corrections, the share rule),
 * emits `drift` events and log lines when the drift state changes, fires the retraining trigger
 * when drift holds, keeps an optional reservoir sample, and exposes it all to Prometheus at
 * scrape time. observe() never throws and never waits: a monitoring fault never fails a prediction
 * (it is counted in stats().errors and logged at most once a minute).
 */
import { EventEmitter } from 'node:events';
import { describe, invalid, isOrtexError, OrtexError } from '../base/errors.js';
import type { ModelIO } from '../session/model-io.js';
import { Tensor } from '../tensor/tensor.js';
import { aggregate, type AggregationOptions, type Correction } from './aggregate.js';
import { Column, type ColumnConfig } from './column.js';
import { reservoirRetention, writeExport, type ExportOutcome, type RetentionOptions } from './export-files.js';
import { addToRegistry } from './metrics.js';
import { isNumericType, outputColumns, parseProfile, readOutputs, type OutputLayout, type ProfileSpec } from './profile.js';
import { Reservoir, type ReservoirOptions } from './reservoir.js';
import {
  Schema,
  type FeatureInput,
  type RowView,
  type SchemaSpec,
  type TensorLike,
  type ValidationResult,
  type Violation,
} from './schema.js';
import { STATISTICS, type StatisticName, type StatisticResult } from './statistics/index.js';
import { RetrainTrigger, type TriggerOptions, type TriggerPayload, type TriggerResult } from './trigger.js';
import { SlidingWindow, type WindowOptions } from './window.js';

/** pino-compatible: the server passes its Fastify logger. */
export interface MonitorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface MonitorOptions {
  /** Model name (metric label, payloads, log lines). */
  model: string;
  /** Model version (default "1"). */
  version?: string;
  schema: Schema | SchemaSpec;
  /** The model (a session, pool or batcher): the schema is bound to it (Schema.bind: inputs checked, element types taken). */
  io?: ModelIO;
  /** Reference profile; without one the monitor validates, counts and samples but judges no drift. */
  profile?: ProfileSpec;
  window?: WindowOptions;
  /** Rows the window must hold before it is judged (default 100). */
  minSamples?: number;
  /** One statistic for every column (default: Evidently's rule per column). */
  statistic?: StatisticName;
  /** Threshold for that statistic (default: its own). */
  threshold?: number;
  /** Per column (feature name, or output column such as "probabilities.class"): statistic, threshold, enabled. */
  columns?: Record<string, ColumnConfig>;
  aggregation?: AggregationOptions;
  /** 'all' (default): every applicable statistic in report(); 'judging': only the one that decides. */
  statistics?: 'all' | 'judging';
  trigger?: TriggerOptions;
  reservoir?: ReservoirOptions;
  logger?: MonitorLogger;
  /** Clock (ms), for tests. */
  now?: () => number;
}

export type Scope = 'inputs' | 'outputs';

export interface StatisticValue {
  statistic: number | null;
  pValue?: number | null;
  dof?: number;
  method?: 'exact' | 'asymptotic';
}

export interface ColumnDrift {
  name: string;
  scope: Scope;
  kind: 'numeric' | 'categorical';
  /** The statistic that judges this column and its threshold. */
  statistic: StatisticName;
  threshold: number;
  /** What is compared with the threshold: the p-value for tests, the distance for distances (null when not computable). */
  score: number | null;
  /** After the configured correction (tests only). */
  adjustedPValue?: number | null;
  drifted: boolean;
  /** Every applicable statistic (only the judging one with statistics: 'judging'). */
  values: Partial<Record<StatisticName, StatisticValue>>;
  reference: { rows: number; mean?: number; std?: number };
  current: { rows: number; missing: number; nonFinite: number; mean?: number; std?: number };
}

export interface DriftReport {
  model: string;
  version: string;
  /** When the report was made (ISO 8601). */
  time: string;
  status: 'ok' | 'drift' | 'insufficient-data' | 'no-profile';
  /** Input drift by the aggregation rule. */
  drifted: boolean;
  share: number;
  window: { rows: number; subWindows: number; start: string | null; end: string | null; minSamples: number };
  aggregation: { correction: Correction; driftShare: number };
  features: ColumnDrift[];
  outputs: { drifted: boolean; share: number; columns: ColumnDrift[] };
  /** Schema violations counted since start, by feature, rule and action. */
  violations: { feature: string; rule: string; action: string; count: number }[];
  observed: { rows: number; requests: number; errors: number };
}

export interface DriftEvent {
  model: string;
  version: string;
  drifted: boolean;
  outputsDrifted: boolean;
  /** Columns drifted now (input features, then output columns). */
  features: string[];
  outputs: string[];
  /** Columns that started or stopped drifting at this judgment. */
  started: string[];
  ended: string[];
  report: DriftReport;
}

export interface MonitorEvents {
  drift: [DriftEvent];
  trigger: [TriggerPayload];
  'trigger-result': [TriggerResult & { payload: TriggerPayload }];
}

const ALL_NUMERIC: StatisticName[] = ['ks', 'psi', 'jensenshannon', 'wasserstein', 'chisquare'];
const ALL_CATEGORICAL: StatisticName[] = ['chisquare', 'psi', 'jensenshannon'];

const finite = (x: number | undefined): number | null => (x === undefined || !Number.isFinite(x) ? null : x);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function positiveInt(v: unknown, what: string, min = 1): number {
  if (!(Number.isInteger(v) && (v as number) >= min)) throw invalid('ERR_INVALID_ARGUMENT', what, `an integer ≥ ${min}`, describe(v));
  return v as number;
}

export class Monitor extends EventEmitter<MonitorEvents> {
  readonly model: string;
  readonly version: string;
  readonly schema: Schema;
  readonly profile?: ProfileSpec;
  readonly minSamples: number;
  private readonly window: SlidingWindow;
  private readonly inputColumns: { feature: number; column: Column }[] = [];
  private readonly outputColumnList: Column[] = [];
  /** readOutputs' visitor, made once: counts an output column's value into the open sub-window. */
  private readonly countOutput = (column: number, _row: number, value: unknown): void => {
    this.outputColumnList[column]!.add(this.window.current, value);
  };
  private readonly layout: OutputLayout[];
  private readonly aggregation: { correction: Correction; driftShare: number };
  private readonly computeAll: boolean;
  private readonly reservoir?: Reservoir;
  private readonly trigger?: RetrainTrigger;
  private readonly triggerOn: 'inputs' | 'outputs' | 'either';
  private readonly exportDir?: string;
  private readonly reservoirDir?: string;
  private readonly retention: RetentionOptions;
  private readonly exportCounts = { written: 0, deleted: 0, deleteFailures: 0 };
  private readonly logger?: MonitorLogger;
  private readonly now: () => number;
  private readonly violationCounts = new Map<string, { feature: string; rule: string; action: string; count: number }>();
  private readonly timer?: NodeJS.Timeout;
  private readonly tracked = new Set<Promise<unknown>>();
  private readonly triggerCounts = new Map<string, number>();
  private cached?: { rotations: number; report: DriftReport };
  private state = { drifted: false, outputs: false, columns: new Set<string>() };
  private observedRows = 0;
  private observedRequests = 0;
  private errors = 0;
  private lastErrorLog?: number;
  private suppressedErrors = 0;
  private closed = false;
  /** Prometheus registries this monitor was added to (metrics.ts). */
  readonly registries = new Set<() => void>();

  constructor(options: MonitorOptions) {
    super();
    if (typeof options !== 'object' || options === null)
      throw invalid('ERR_INVALID_ARGUMENT', 'the monitor options', 'an object', describe(options));
    if (typeof options.model !== 'string' || !options.model)
      throw invalid('ERR_INVALID_ARGUMENT', 'the monitor option model', 'a model name', describe(options.model));
    this.model = options.model;
    this.version = String(options.version ?? '1');
    this.schema = options.io ? Schema.from(options.schema).bind(options.io) : Schema.from(options.schema);
    this.now = options.now ?? Date.now;
    this.minSamples = positiveInt(options.minSamples ?? 100, 'minSamples');
    const w = options.window ?? {};
    positiveInt(w.subWindows ?? 10, 'window.subWindows');
    if (w.subWindowRows !== undefined) positiveInt(w.subWindowRows, 'window.subWindowRows');
    if (w.subWindowMs !== undefined) positiveInt(w.subWindowMs, 'window.subWindowMs');
    if (options.logger) this.logger = options.logger;
    const correction = options.aggregation?.correction ?? 'none';
    if (!['none', 'bonferroni', 'benjamini-hochberg'].includes(correction))
      throw invalid('ERR_INVALID_ARGUMENT', 'aggregation.correction', '"none", "bonferroni" or "benjamini-hochberg"', describe(correction));
    const driftShare = options.aggregation?.driftShare ?? 0.5;
    if (!(driftShare >= 0 && driftShare <= 1))
      throw invalid('ERR_INVALID_ARGUMENT', 'aggregation.driftShare', 'a share in [0, 1]', describe(driftShare));
    this.aggregation = { correction, driftShare };
    this.computeAll = (options.statistics ?? 'all') === 'all';

    // Columns on the profile's frozen bins, laid out one after the other in the window's vector.
    let offset = 0;
    const configFor = (name: string): ColumnConfig => ({
      ...(options.statistic !== undefined ? { statistic: options.statistic } : {}),
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
      ...options.columns?.[name],
    });
    if (options.columns) {
      for (const name of Object.keys(options.columns)) {
        const known =
          this.schema.featureIndex(name) !== undefined ||
          (options.profile?.outputs && Object.hasOwn(options.profile.outputs.columns, name));
        if (!known) throw invalid('ERR_INVALID_ARGUMENT', `columns.${name}`, 'a schema feature or a profiled output column', `"${name}"`);
      }
    }
    if (options.profile) {
      this.profile = parseProfile(options.profile);
      this.schema.featureNames.forEach((name, feature) => {
        const p = this.profile!.features[name];
        if (!p) {
          this.logger?.warn(
            { model: this.model, version: this.version, feature: name },
            'feature not in the reference profile: validated, not monitored for drift',
          );
          return;
        }
        const numeric = isNumericType(this.schema.featureType(feature));
        if ((p.kind === 'numeric') !== numeric) {
          throw invalid(
            'ERR_INVALID_ARGUMENT',
            `the profile of feature '${name}'`,
            `a ${numeric ? 'numeric' : 'categorical'} column (the schema says ${this.schema.featureType(feature)})`,
            `a ${p.kind} column`,
          );
        }
        const column = new Column(name, 'inputs', p, offset, configFor(name));
        offset += column.width;
        this.inputColumns.push({ feature, column });
      });
      this.layout = this.profile.outputs?.layout ?? [];
      for (const l of this.layout) {
        for (const c of outputColumns(l)) {
          const column = new Column(c.name, 'outputs', this.profile.outputs!.columns[c.name]!, offset, configFor(c.name));
          offset += column.width;
          this.outputColumnList.push(column);
        }
      }
    } else {
      this.layout = [];
    }
    const sumMap = new Int32Array(offset).fill(-1);
    for (const { column } of this.inputColumns) column.markSums(sumMap);
    for (const column of this.outputColumnList) column.markSums(sumMap);
    this.window = new SlidingWindow(offset, sumMap, w, this.now());

    this.retention = reservoirRetention(options.reservoir);
    if (options.reservoir?.dir !== undefined) this.reservoirDir = options.reservoir.dir;
    if (options.reservoir?.size) {
      this.reservoir = new Reservoir(
        this.schema.featureNames,
        positiveInt(options.reservoir.size, 'reservoir.size'),
        this.window.subWindows,
        options.reservoir.seed,
        (f, v) => this.schema.formatText(f, v),
      );
    }
    this.triggerOn = options.trigger?.on ?? 'either';
    if (options.trigger) {
      if (!options.trigger.webhook && !options.trigger.command)
        throw invalid('ERR_INVALID_ARGUMENT', 'the trigger', 'a webhook or a command', 'neither');
      this.trigger = new RetrainTrigger(options.trigger, this.minSamples);
      if (options.trigger.exportReservoir) {
        if (!this.reservoir)
          throw invalid('ERR_INVALID_ARGUMENT', 'trigger.exportReservoir', 'a reservoir (reservoir.size > 0)', 'no reservoir');
        this.exportDir = options.trigger.exportReservoir;
      }
    }
    if (this.window.subWindowMs) {
      this.timer = setInterval(() => this.tick(), this.window.subWindowMs);
      this.timer.unref();
    }
  }

  /** Feature values of a request however it arrived (feeds, named record(s), positional row(s)). */
  view(features: FeatureInput): RowView {
    return this.schema.view(features);
  }

  /**
   * Validates a request: returns the counted violations, or throws ERR_INVALID_INPUT naming the
   * first rejected feature, rule and value (the server answers 400). Every violation is counted
   * for metrics and the report either way.
   */
  validate(features: FeatureInput | RowView): ValidationResult {
    try {
      const result = this.schema.validate(features);
      if (result.violations.length) this.countViolations(result.violations);
      return result;
    } catch (e) {
      const all = isOrtexError(e, 'ERR_INVALID_INPUT') ? (e.details?.violations as Violation[] | undefined) : undefined;
      if (all) this.countViolations(all);
      throw e;
    }
  }

  /**
   * A request as received — input tensors, named record(s) or positional row(s) — validated as
   * received (so a missing or unknown name, or the string "abc", is reported as such) and turned
   * into the model's input tensors: validate() then toFeeds() over one view. Throws
   * ERR_INVALID_INPUT like validate().
   */
  prepare(features: FeatureInput): { feeds: Record<string, Tensor>; rows: number; violations: readonly Violation[] } {
    const view = this.schema.view(features);
    const { rows, violations } = this.validate(view);
    const values = Object.values(features);
    const tensors = !Array.isArray(features) && values.length > 0 && values.every((v) => v instanceof Tensor);
    return { feeds: tensors ? (features as Record<string, Tensor>) : this.schema.toFeeds(view), rows, violations };
  }

  /** Input tensors for the model from named features or positional rows (see Schema.toFeeds). */
  toFeeds(features: FeatureInput | RowView): Record<string, Tensor> {
    return this.schema.toFeeds(features);
  }

  private countViolations(list: readonly Violation[]): void {
    for (const v of list) {
      const key = `${v.feature}\u0000${v.rule}\u0000${v.action}`;
      const c = this.violationCounts.get(key);
      if (c) c.count++;
      else this.violationCounts.set(key, { feature: v.feature, rule: v.rule, action: v.action, count: 1 });
    }
  }

  /**
   * Counts one request's inputs (feeds, named or positional rows) and the model's outputs into the
   * window. Never throws; a fault is counted (stats().errors) and logged once.
   */
  observe(inputs: FeatureInput | RowView, outputs?: Readonly<Record<string, TensorLike | unknown>>): void {
    if (this.closed) return;
    try {
      const now = this.now();
      if (this.window.subWindowMs) this.advance(now);
      const view = isView(inputs) ? inputs : this.schema.view(inputs);
      const vector = this.window.current;
      const rows = view.rows;
      for (const { feature, column } of this.inputColumns) for (let r = 0; r < rows; r++) column.add(vector, view.value(r, feature));
      if (outputs && this.outputColumnList.length) readOutputs(this.layout, outputs, this.countOutput);
      this.reservoir?.add(view);
      this.window.currentRows += rows;
      this.observedRows += rows;
      this.observedRequests++;
      if (this.window.due(now)) this.advance(now);
    } catch (e) {
      this.fault(e, 'monitor could not observe a request');
    }
  }

  /** Closes the sub-windows due by now (time-based windows; the interval timer calls it too). */
  tick(): void {
    if (this.closed) return;
    try {
      this.advance(this.now());
    } catch (e) {
      this.fault(e, 'monitor tick failed');
    }
  }

  /** Counts a swallowed fault; logs the first, then at most one line a minute with the count since. */
  private fault(e: unknown, msg: string): void {
    this.errors++;
    const now = Date.now();
    if (this.lastErrorLog !== undefined && now - this.lastErrorLog < 60_000) {
      this.suppressedErrors++;
      return;
    }
    this.lastErrorLog = now;
    const suppressed = this.suppressedErrors;
    this.suppressedErrors = 0;
    this.logger?.error({ model: this.model, version: this.version, err: e, errors: this.errors, suppressed }, msg);
  }

  private advance(now: number): void {
    const n = this.window.advance(now);
    if (!n) return;
    if (this.reservoir) for (let i = 0; i < n; i++) this.reservoir.rotate();
    this.judge(now);
  }

  /** Forgets the window and the reservoir (e.g. after a new model version or a new profile). */
  reset(): void {
    this.window.clear(this.now());
    this.reservoir?.clear();
    this.cached = undefined;
  }

  /** The current window against the reference, per feature and output column (cached until the window moves). */
  report(): DriftReport {
    if (this.window.subWindowMs && !this.closed) this.advance(this.now());
    return this.fullReport(this.now());
  }

  private fullReport(now: number): DriftReport {
    const report = this.columnsReport(now);
    return {
      ...report,
      violations: this.violationList(),
      observed: { rows: this.observedRows, requests: this.observedRequests, errors: this.errors },
    };
  }

  /** Counters since start. */
  stats(): {
    rows: number;
    requests: number;
    errors: number;
    windowRows: number;
    reservoirRows: number;
    violations: DriftReport['violations'];
  } {
    return {
      rows: this.observedRows,
      requests: this.observedRequests,
      errors: this.errors,
      windowRows: this.window.rows,
      reservoirRows: this.reservoir?.size ?? 0,
      violations: this.violationList(),
    };
  }

  private violationList(): DriftReport['violations'] {
    return [...this.violationCounts.values()].map((v) => ({ ...v }));
  }

  private columnsReport(now: number): DriftReport {
    if (this.cached && this.cached.rotations === this.window.rotations) return this.cached.report;
    const totals = this.window.totals;
    const rows = this.window.rows;
    const judged = !!this.profile && rows >= this.minSamples;
    const describeColumn = (column: Column): ColumnDrift => {
      const comparison = column.comparison(totals);
      const safe = (name: StatisticName): StatisticResult => {
        try {
          return STATISTICS[name].compute(comparison);
        } catch {
          return { statistic: NaN };
        }
      };
      const main = column.statistic;
      const result = safe(main.name);
      const values: ColumnDrift['values'] = {};
      const put = (name: StatisticName, r: StatisticResult) => {
        const v: StatisticValue = { statistic: finite(r.statistic) };
        if (r.pValue !== undefined) v.pValue = finite(r.pValue);
        if (r.dof !== undefined) v.dof = r.dof;
        if (r.method !== undefined) v.method = r.method;
        values[name] = v;
      };
      put(main.name, result);
      if (this.computeAll)
        for (const name of column.profile.kind === 'numeric' ? ALL_NUMERIC : ALL_CATEGORICAL) if (name !== main.name) put(name, safe(name));
      const score = main.kind === 'p-value' ? result.pValue : result.statistic;
      const summary = column.summary(totals);
      const reference: ColumnDrift['reference'] = { rows: column.referenceRows };
      if (column.referenceMean !== undefined) reference.mean = column.referenceMean;
      if (column.referenceStd !== undefined) reference.std = column.referenceStd;
      return {
        name: column.name,
        scope: column.scope,
        kind: column.profile.kind,
        statistic: main.name,
        threshold: column.threshold,
        score: finite(score),
        drifted: false,
        values,
        reference,
        current: summary,
      };
    };
    const judge = (list: ColumnDrift[], columns: readonly Column[]) => {
      const candidates = list
        .map((d, i) => ({ d, c: columns[i]! }))
        .filter(({ c, d }) => c.enabled && judged && d.score !== null && d.current.rows > 0);
      const decision = aggregate(
        candidates.map(({ c, d }) => ({ kind: c.statistic.kind, score: d.score!, threshold: d.threshold })),
        this.aggregation,
      );
      candidates.forEach(({ d, c }, i) => {
        d.drifted = decision.drifted[i]!;
        if (c.statistic.kind === 'p-value') d.adjustedPValue = finite(decision.adjusted[i]);
      });
      return { drifted: decision.modelDrifted, share: decision.share };
    };
    const features = this.inputColumns.map(({ column }) => describeColumn(column));
    const outputs = this.outputColumnList.map(describeColumn);
    const fa = judge(
      features,
      this.inputColumns.map(({ column }) => column),
    );
    const oa = judge(outputs, this.outputColumnList);
    const bounds = this.window.bounds();
    const report: DriftReport = {
      model: this.model,
      version: this.version,
      time: new Date(now).toISOString(),
      status: !this.profile ? 'no-profile' : !judged ? 'insufficient-data' : fa.drifted || oa.drifted ? 'drift' : 'ok',
      drifted: fa.drifted,
      share: fa.share,
      window: { rows, subWindows: this.window.complete, start: iso(bounds.start), end: iso(bounds.end), minSamples: this.minSamples },
      aggregation: { ...this.aggregation },
      features,
      outputs: { drifted: oa.drifted, share: oa.share, columns: outputs },
      violations: [],
      observed: { rows: 0, requests: 0, errors: 0 },
    };
    this.cached = { rotations: this.window.rotations, report };
    return report;
  }

  /** After a sub-window closed: judge, emit on state change, maybe fire the trigger. */
  private judge(now: number): void {
    if (!this.profile) return;
    const report = this.fullReport(now);
    const columns = new Set([...report.features, ...report.outputs.columns].filter((c) => c.drifted).map((c) => c.name));
    const prev = this.state;
    const started = [...columns].filter((c) => !prev.columns.has(c));
    const ended = [...prev.columns].filter((c) => !columns.has(c));
    const changed = prev.drifted !== report.drifted || prev.outputs !== report.outputs.drifted || started.length > 0 || ended.length > 0;
    this.state = { drifted: report.drifted, outputs: report.outputs.drifted, columns };
    if (changed) {
      const event: DriftEvent = {
        model: this.model,
        version: this.version,
        drifted: report.drifted,
        outputsDrifted: report.outputs.drifted,
        features: report.features.filter((c) => c.drifted).map((c) => c.name),
        outputs: report.outputs.columns.filter((c) => c.drifted).map((c) => c.name),
        started,
        ended,
        report,
      };
      const log = {
        model: this.model,
        version: this.version,
        drifted: event.drifted,
        outputsDrifted: event.outputsDrifted,
        features: event.features,
        outputs: event.outputs,
        started,
        ended,
        windowRows: report.window.rows,
      };
      const nowDrifting = event.drifted || event.outputsDrifted;
      const wasDrifting = prev.drifted || prev.outputs;
      if (nowDrifting && !wasDrifting) this.logger?.warn(log, 'drift detected');
      else if (!nowDrifting && wasDrifting) this.logger?.info(log, 'drift ended');
      else this.logger?.info(log, 'drifting columns changed');
      this.safeEmit('drift', event);
    }
    if (this.trigger) {
      const drifted =
        this.triggerOn === 'inputs'
          ? report.drifted
          : this.triggerOn === 'outputs'
            ? report.outputs.drifted
            : report.drifted || report.outputs.drifted;
      if (this.trigger.due(drifted, report.window.rows, now)) this.fire(report, now);
    }
  }

  private safeEmit<K extends keyof MonitorEvents>(name: K, ...args: MonitorEvents[K]): void {
    try {
      this.emit(name, ...(args as never));
    } catch (e) {
      this.logger?.error({ model: this.model, version: this.version, err: e, event: name }, 'a monitor event listener threw');
    }
  }

  private fire(report: DriftReport, now: number): void {
    const trigger = this.trigger!;
    const columns = [...report.features, ...report.outputs.columns];
    const payload: TriggerPayload = {
      model: this.model,
      version: this.version,
      reason: 'drift',
      firedAt: new Date(now).toISOString(),
      driftSince: new Date(trigger.driftSince ?? now).toISOString(),
      drifted: {
        features: report.features.filter((c) => c.drifted).map((c) => c.name),
        outputs: report.outputs.columns.filter((c) => c.drifted).map((c) => c.name),
      },
      window: { start: report.window.start, end: report.window.end, rows: report.window.rows },
      statistics: columns.map((c) => ({
        name: c.name,
        scope: c.scope,
        statistic: c.statistic,
        score: c.score,
        threshold: c.threshold,
        drifted: c.drifted,
      })),
    };
    const work = (async () => {
      // The firing's file is held against retention until every delivery has finished.
      let release: (() => void) | undefined;
      if (this.exportDir && this.reservoir) {
        try {
          const written = await this.writeExport(this.exportDir, now, true);
          payload.reservoir = { path: written.path, rows: written.rows };
          release = written.release;
        } catch (e) {
          this.logger?.error(
            { model: this.model, version: this.version, err: e, dir: this.exportDir },
            'could not export the reservoir for the retraining trigger',
          );
        }
      }
      try {
        await this.deliver(trigger, payload);
      } finally {
        release?.();
      }
    })().catch((e: unknown) => this.logger?.error({ model: this.model, version: this.version, err: e }, 'retraining trigger failed'));
    this.tracked.add(work);
    void work.finally(() => this.tracked.delete(work));
  }

  private deliver(trigger: RetrainTrigger, payload: TriggerPayload): Promise<void> {
    this.logger?.warn(
      { model: this.model, version: this.version, drifted: payload.drifted, window: payload.window, reservoir: payload.reservoir },
      'retraining trigger fired',
    );
    this.safeEmit('trigger', payload);
    return trigger.deliver(payload, (r) => {
      const log = { model: this.model, version: this.version, ...r };
      if (r.ok) this.logger?.info(log, `retraining trigger delivered (${r.channel})`);
      else this.logger?.error(log, `retraining trigger failed (${r.channel})`);
      const key = `${r.channel}\u0000${r.ok ? 'ok' : 'failed'}`;
      this.triggerCounts.set(key, (this.triggerCounts.get(key) ?? 0) + 1);
      this.safeEmit('trigger-result', { ...r, payload });
    });
  }

  /** Trigger deliveries since start, by channel and outcome (metrics read them). */
  triggerDeliveries(): { channel: string; outcome: 'ok' | 'failed'; count: number }[] {
    return [...this.triggerCounts].map(([k, count]) => {
      const [channel, outcome] = k.split('\u0000') as [string, 'ok' | 'failed'];
      return { channel, outcome, count };
    });
  }

  /** Resolves when trigger deliveries in flight have finished. */
  async settled(): Promise<void> {
    while (this.tracked.size) await Promise.all([...this.tracked]);
    await this.trigger?.settled();
  }

  /** The reservoir sample as CSV (header: feature names). ERR_INVALID_ARGUMENT when no reservoir is configured. */
  reservoirCsv(): string {
    if (!this.reservoir)
      throw new OrtexError('ERR_INVALID_ARGUMENT', 'expected a reservoir for the export, received none (set reservoir.size)');
    return this.reservoir.toCsv();
  }

  /**
   * Writes the reservoir sample to `path` as CSV, atomically (replacing a file there); resolves to
   * the rows written. No retention applies: the caller names the file (see exportReservoirTo).
   */
  async exportReservoir(path: string): Promise<{ path: string; rows: number }> {
    return { path, rows: await this.sample().writeCsv(path) };
  }

  /**
   * Writes the reservoir sample as a new file `<model>-<version>-<time>.csv` in `dir` (default
   * `reservoir.dir`), atomically, then deletes this version's export files there beyond the
   * retention policy (`reservoir.keep`, `reservoir.maxAgeMs`; see export-files.ts). A failed
   * delete is logged and counted (exportStats().deleteFailures), never thrown.
   */
  async exportReservoirTo(dir: string | undefined = this.reservoirDir): Promise<{ path: string; rows: number; deleted: number }> {
    this.sample();
    if (dir === undefined)
      throw new OrtexError('ERR_INVALID_ARGUMENT', 'expected a folder for the export, received none (set reservoir.dir or pass one)');
    const { path, rows, deleted } = await this.writeExport(dir, this.now(), false);
    return { path, rows, deleted: deleted.length };
  }

  private sample(): Reservoir {
    if (!this.reservoir)
      throw new OrtexError('ERR_INVALID_ARGUMENT', 'expected a reservoir for the export, received none (set reservoir.size)');
    return this.reservoir;
  }

  private async writeExport(dir: string, now: number, hold: boolean): Promise<ExportOutcome & { rows: number }> {
    const { csv, rows } = this.sample().snapshot();
    const outcome = await writeExport({ dir, model: this.model, version: this.version, data: csv, now, retention: this.retention, hold });
    this.exportCounts.written++;
    this.exportCounts.deleted += outcome.deleted.length;
    for (const { path, error } of outcome.failed) {
      this.exportCounts.deleteFailures++;
      this.logger?.warn(
        { model: this.model, version: this.version, path, err: error, deleteFailures: this.exportCounts.deleteFailures },
        'reservoir retention could not delete an old export',
      );
    }
    return { ...outcome, rows };
  }

  /** Reservoir export files written, deleted by retention, and deletes that failed, since start. */
  exportStats(): { written: number; deleted: number; deleteFailures: number } {
    return { ...this.exportCounts };
  }

  /** Stops the timer, cancels trigger deliveries in flight, leaves every metrics registry. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.trigger?.close();
    for (const leave of [...this.registries]) leave();
    await this.settled();
  }

  /** True when a reservoir sample is kept (`reservoir.size` > 0). */
  get hasReservoir(): boolean {
    return this.reservoir !== undefined;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Registers this monitor's gauges and counters in a prom-client Registry (see metrics.ts); returns a function that removes it. */
  collect(registry: import('prom-client').Registry): () => void {
    return addToRegistry(registry, this);
  }
}

function isView(v: unknown): v is RowView {
  return typeof v === 'object' && v !== null && typeof (v as RowView).value === 'function' && typeof (v as RowView).rows === 'number';
}
