/**
 * The seed's service: `POST /predict` with `{"features": [...]}` (one row) or
 * `{"features": [[...], ...]}` (rows) → `{"prediction": [...], "status": "success"}`. dtype and
 * row shape come from the model's input (the only one, or `predict.input`); for an output with
 * labels (config `outputs.<name>.labels`, or the ONNX metadata key `labels`) `prediction` holds
 * the label of each row's highest score and `probabilities` the scores.
 */
import { invalid, describe, OrtexError } from '../base/errors.js';
import type { FeedsType, ReturnType } from '../session/session.js';
import { Tensor } from '../tensor/tensor.js';
import type { ValueMetadata } from '../tensor/value-metadata.js';
import type { FeatureInput, Monitor } from '../monitoring/index.js';
import { datatypeOfTensorType, type DatatypeInfo } from './datatypes.js';
import type { ModelVersion } from './model-version.js';
import { checkElementCount, checkJsonCarries, jsonRows, jsonStorage, writeJson } from './tensor-codec.js';

/**
 * Turns named features (`{"features": {"sepal_length": 5.1, ...}}`) into one positional row.
 * The server has none by default; an input schema (monitoring) installs one per model.
 */
export type FeatureMapper = (features: Record<string, unknown>, version: ModelVersion) => unknown[];

type TensorMeta = Extract<ValueMetadata, { isTensor: true }>;

/** What /predict needs to know about a version, computed once per version. */
export interface PredictPlan {
  input: TensorMeta;
  output: TensorMeta;
  /** The input has a first dimension that counts rows (symbolic, or fixed at 1). */
  batched: boolean;
  /** Most rows per request: Infinity, or 1 for a first dimension fixed at 1. */
  maxRows: number;
  /** Dims after the batch dim when all are fixed, else undefined (one symbolic dim: the row's length). */
  rowDims: number[] | undefined;
  labels: string[] | undefined;
  /** The input's datatype on the wire (undefined: /predict cannot feed it). */
  type: DatatypeInfo | undefined;
  /** How errors name the input: `features (input 'x')`. */
  what: string;
}

const plans = new WeakMap<ModelVersion, PredictPlan>();

function pick(list: readonly ValueMetadata[], name: string | undefined, what: string, model: string): TensorMeta {
  const m = name !== undefined ? list.find((x) => x.name === name) : list.length === 1 ? list[0] : undefined;
  if (!m) {
    throw new OrtexError(
      'ERR_INVALID_INPUT',
      `/predict needs a model with one ${what}, or predict.${what} in its config: model '${model}' has ${list.map((x) => `'${x.name}'`).join(', ')}`,
    );
  }
  if (!m.isTensor)
    throw new OrtexError('ERR_INVALID_INPUT', `/predict needs a tensor ${what}; '${m.name}' of model '${model}' is a ${m.kind}`);
  return m;
}

function labelsOf(version: ModelVersion, output: string): string[] | undefined {
  const configured = version.config.outputs?.[output]?.labels;
  if (configured) return configured;
  const raw = version.modelMetadata.labels;
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (Array.isArray(parsed) && parsed.every((s) => typeof s === 'string')) return parsed;
  } catch {
    /* comma-separated */
  }
  return raw.split(',').map((s) => s.trim());
}

export function predictPlan(version: ModelVersion): PredictPlan {
  let plan = plans.get(version);
  if (plan) return plan;
  const input = pick(version.inputMetadata, version.config.predict?.input, 'input', version.model);
  const output = pick(version.outputMetadata, version.config.predict?.output, 'output', version.model);
  const shape = input.shape;
  const batched = shape.length >= 2 && (typeof shape[0] !== 'number' || shape[0] === 1);
  const rest = batched ? shape.slice(1) : shape;
  const fixed = rest.every((d) => typeof d === 'number');
  if (!fixed && rest.length !== 1) {
    throw new OrtexError(
      'ERR_INVALID_INPUT',
      `/predict cannot shape rows for input '${input.name}' [${shape.map((d) => d ?? '?').join(',')}]: more than one dimension besides the batch is symbolic; use /v2/models/${version.model}/infer`,
    );
  }
  plan = {
    input,
    output,
    batched,
    labels: labelsOf(version, output.name),
    maxRows: batched && shape[0] === 1 ? 1 : Infinity,
    type: datatypeOfTensorType(input.type),
    what: `features (input '${input.name}')`,
    rowDims: fixed ? (rest as number[]) : undefined,
  };
  plans.set(version, plan);
  return plan;
}

/**
 * Feeds of a monitored version: named record(s) or positional row(s) validated by its input
 * schema and built into the model's inputs (Monitor.prepare); a rejected rule throws
 * ERR_INVALID_INPUT naming the feature, the rule and the value.
 */
function preparedFeeds(monitor: Monitor, features: unknown, version: ModelVersion, what: string): FeedsType {
  const plan = predictPlan(version);
  // Rows as sent (records or arrays; anything else is one row), checked against the limit before
  // prepare() reads and converts them.
  const first: unknown = Array.isArray(features) ? features[0] : undefined;
  const sent = typeof first === 'object' && first !== null ? (features as unknown[]).length : 1;
  checkElementCount(sent * monitor.schema.featureNames.length, version.limits.maxElementsPerTensor, what);
  const { feeds, rows } = monitor.prepare(features as FeatureInput);
  if (rows === 0) throw invalid('ERR_INVALID_INPUT', what, 'at least one row', '0 rows');
  if (rows > plan.maxRows) throw invalid('ERR_INVALID_INPUT', what, '1 row (the model takes one at a time)', `${rows} rows`);
  return feeds;
}

/**
 * Feeds for a /predict body: `features` is one row, or an array of rows; with monitoring also
 * named features (one record or an array of records), all validated by the input schema.
 */
export function decodePredict(features: unknown, version: ModelVersion, mapper: FeatureMapper | undefined): FeedsType {
  const plan = predictPlan(version);
  const monitor = version.monitor;
  if (monitor && !(isPositional(features) && rowsAsTensor(monitor, plan))) return preparedFeeds(monitor, features, version, plan.what);
  let rows: unknown[];
  if (!Array.isArray(features)) {
    if (!mapper) {
      throw invalid(
        'ERR_INVALID_INPUT',
        'features',
        'an array (one row) or an array of rows; named features need an input schema for the model',
        describe(features),
      );
    }
    rows = [mapper(features as Record<string, unknown>, version)];
  } else {
    rows = features.length > 0 && Array.isArray(features[0]) && plan.batched ? features : [features];
  }
  const feeds = decodeRows(rows, version, undefined);
  monitor?.validate(feeds as Record<string, Tensor>);
  return feeds;
}

/**
 * True for positional features: one row (an array of values) or rows (an array of arrays). An
 * array of named records (`[{"sepal_length": 5.1, ...}, ...]`) is not, however it is decoded.
 */
function isPositional(features: unknown): features is unknown[] {
  if (!Array.isArray(features)) return false;
  const first: unknown = features[0];
  return first === null || typeof first !== 'object' || Array.isArray(first);
}

const asTensor = new WeakMap<Monitor, boolean>();

/**
 * True when positional rows can be decoded like any /predict rows and then checked as the input
 * tensor (Monitor.validate, as on v2) with the same outcome as Monitor.prepare, for about a
 * microsecond less: the schema's features are the columns of /predict's one input, in order,
 * every one numeric and required (a non-number or a missing value is refused by the decoder
 * either way, naming the element).
 */
function rowsAsTensor(monitor: Monitor, plan: PredictPlan): boolean {
  let ok = asTensor.get(monitor);
  if (ok === undefined) {
    const s = monitor.schema;
    const columns = plan.rowDims?.reduce((a, b) => a * b, 1);
    ok =
      s.inputs.length === 1 &&
      s.inputs[0]!.name === plan.input.name &&
      columns === s.featureNames.length &&
      s.features.every(
        (f, i) => (f.index ?? i) === i && f.required !== false && (s.featureType(i) === 'number' || s.featureType(i) === 'integer'),
      );
    asTensor.set(monitor, ok);
  }
  return ok;
}

/**
 * Feeds for KServe v1's `instances`: a list of rows, each an array of values (nested for a row
 * of several dims), a single value (a row of one), or named features (with an input schema).
 */
export function decodeInstances(instances: unknown[], version: ModelVersion, mapper: FeatureMapper | undefined): FeedsType {
  if (version.monitor) return preparedFeeds(version.monitor, instances, version, `instances (input '${predictPlan(version).input.name}')`);
  const rows = new Array<unknown>(instances.length);
  for (let i = 0; i < instances.length; i++) {
    const x = instances[i];
    if (Array.isArray(x)) rows[i] = x;
    else if (x !== null && typeof x === 'object') {
      if (!mapper)
        throw invalid(
          'ERR_INVALID_INPUT',
          `instance ${i}`,
          'an array of values; named features need an input schema for the model',
          describe(x),
        );
      rows[i] = mapper(x as Record<string, unknown>, version);
    } else rows[i] = [x];
  }
  return decodeRows(rows, version, `instances (input '${predictPlan(version).input.name}')`);
}

/** Feeds from rows (arrays of values): counts, lengths, element types and limits checked; errors name `label`. */
function decodeRows(rows: unknown[], version: ModelVersion, label: string | undefined): FeedsType {
  const plan = predictPlan(version);
  const type = plan.type;
  if (!type) throw new OrtexError('ERR_INVALID_INPUT', `/predict cannot feed input '${plan.input.name}' of type ${plan.input.type}`);
  const what = label ?? plan.what;
  if (rows.length > plan.maxRows || (!plan.batched && rows.length !== 1)) {
    throw invalid('ERR_INVALID_INPUT', what, '1 row (the model takes one at a time)', `${rows.length} rows`);
  }
  const max = version.limits.maxElementsPerTensor;
  // Rows are checked, then written straight into the tensor's storage (no intermediate array).
  let rowLength = plan.rowDims?.reduce((a, b) => a * b, 1);
  const values = new Array<unknown[]>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!Array.isArray(row)) throw invalid('ERR_INVALID_INPUT', `row ${r} of ${what}`, 'an array of values', describe(row));
    const flat = row.length > 0 && Array.isArray(row[0]) ? row.flat(Infinity) : row;
    rowLength ??= flat.length;
    if (flat.length !== rowLength) throw invalid('ERR_INVALID_INPUT', `row ${r} of ${what}`, `${rowLength} values`, `${flat.length}`);
    values[r] = flat;
  }
  const count = rows.length * rowLength!;
  checkElementCount(count, max, what);
  checkJsonCarries(type, what);
  const storage = jsonStorage(type, count);
  for (let r = 0; r < rows.length; r++) writeJson(type, storage, r * rowLength!, values[r]!, what);
  const dims = plan.batched ? [rows.length, ...(plan.rowDims ?? [rowLength!])] : (plan.rowDims ?? [rowLength!]);
  return { [plan.input.name]: new Tensor(type.tensorType, storage, dims) };
}

/** The /predict answer for a version's outputs. */
export interface PredictAnswer {
  prediction: unknown[];
  probabilities?: unknown[][];
  status?: 'success';
}

export function encodePredict(outputs: ReturnType, version: ModelVersion): PredictAnswer {
  const plan = predictPlan(version);
  const t = outputs[plan.output.name] as Tensor;
  const rows = t.dims.length === 0 ? 1 : t.dims[0]!;
  const byRow = jsonRows(t, rows);
  const per = rows === 0 ? 0 : t.size / rows;
  const labels = plan.labels;
  if (labels && per === labels.length) {
    const prediction = byRow.map((row) => {
      let best = 0;
      for (let i = 1; i < row.length; i++) if ((row[i] as number) > (row[best] as number)) best = i;
      return labels[best];
    });
    return { prediction, probabilities: byRow };
  }
  return { prediction: byRow.map((row) => (row.length === 1 ? row[0] : row)) };
}
