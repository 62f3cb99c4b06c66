/**
 * `ortex/monitoring`: input schemas shared by training and serving, reference profiles, drift
 * detection in constant memory, Prometheus metrics, the retraining trigger and a reservoir
 * sample. Loaded only through this subpath, so `import 'ortex'` stays free of it.
 */
export { Monitor } from './monitor.js';
export type {
  MonitorOptions,
  MonitorLogger,
  MonitorEvents,
  DriftReport,
  ColumnDrift,
  DriftEvent,
  StatisticValue,
  Scope,
} from './monitor.js';
export { Schema, RULES, rejection, parseSchemaSpec, parseNumberText } from './schema.js';
export type {
  SchemaSpec,
  FeatureSpec,
  FeatureType,
  InputSpec,
  Action,
  CategoryValue,
  RuleName,
  Violation,
  ValidationResult,
  TensorLike,
  RowView,
  FeatureInput,
} from './schema.js';
export type { ActionRule, SpecialValuePolicy } from './schema-spec.js';
export { SchemaInferrer } from './schema-infer.js';
export type { InferOptions } from './schema-infer.js';
export { ProfileBuilder, parseProfile, outputLayoutFor, outputColumns, DISTINCT_CAP } from './profile.js';
export type {
  ProfileSpec,
  ColumnProfile,
  NumericColumnProfile,
  CategoricalColumnProfile,
  NumericSummary,
  OutputLayout,
  ProfileBuilderOptions,
} from './profile.js';
export { readBatches, batchView, dataFormat, loadSchema, loadProfile } from './data-file.js';
export type { RecordBatch, DataFormat } from './data-file.js';
export { quantileEdges, numericBin, numericBinCount } from './binning.js';
export { SlidingWindow } from './window.js';
export type { WindowOptions } from './window.js';
export { Reservoir } from './reservoir.js';
export type { ReservoirOptions } from './reservoir.js';
export { RetrainTrigger, postWebhook, runCommand } from './trigger.js';
export type { TriggerOptions, TriggerPayload, TriggerResult, WebhookOptions, CommandOptions } from './trigger.js';
export { aggregate, benjaminiHochberg } from './aggregate.js';
export type { AggregationOptions, Correction, Judged, Decision } from './aggregate.js';
export type { ColumnConfig } from './column.js';
export { addToRegistry } from './metrics.js';
export { STATISTICS, statistic, defaultStatistic } from './statistics/index.js';
export type { DriftStatistic, StatisticName, BinnedComparison, ColumnKind, StatisticResult } from './statistics/index.js';
export { ksTest, exactTwoSampleSf, MAX_EXACT_N } from './statistics/ks.js';
export type { KsOptions } from './statistics/ks.js';
export { kolmogorovSf, smirnovSf, durbinCdf, pelzGoodCdf } from './statistics/kolmogorov.js';
export { chiSquareTest } from './statistics/chi-square.js';
export { zTest } from './statistics/z-test.js';
export { psi, PSI_MAJOR } from './statistics/psi.js';
export { jensenShannon } from './statistics/jensen-shannon.js';
export { wasserstein, wasserstein1 } from './statistics/wasserstein.js';
export { chiSquareSf, normalSf, gammaQ, logGamma } from './statistics/special.js';
export { inferSchemaFile, validateFile, profileFile, formatJson } from './file-tasks.js';
export type { FileOptions, FileValidationReport, RuleReport, ProfileFileOptions } from './file-tasks.js';
export { mapColumnsToModel } from './schema-infer.js';
