// Workload spec: parsing, defaults and validation, shared by every contender.
//
//   { model:       alias from models.mjs ("relu", "ocr-det", "ocr-rec", "ocr-cls") or a path,
//     batch:       1, size of the batch dim (see shapes.mjs)
//     concurrency: 1, parallel callers (JS: async callers looping `await run`; C++: std::threads)
//     threads:     1, intra-op threads (inter-op is always 1, execution mode sequential)
//     seconds | runs: timed or fixed-count measurement (exactly one; default seconds: 5)
//     warmup:      5, runs before measuring (spread over the callers)
//     inputs:      { inputName: [dims, 'B' = batch] }  explicit shapes, merged over the alias defaults
//     fixDims:     { symbolicDimName: value }        values for named free dims
//     fill:        { inputName: number }   constant fill instead of random/zero (e.g. VAD sr: 16000)
//     carry:       { outputName: inputName } streaming: each caller feeds this output of a run into
//                  that input of its next run (recurrent state); merged over the alias defaults
//     provider:    "cpu", execution provider: cpu | cuda | tensorrt | webgpu (CPU remains the fallback)
//     runMode:     null, ortex only: RunOptions.mode ('auto' | 'async' | 'inline') on every run
//     batching:    null, ortex-batched only: options for the Batcher (maxBatchSize, maxQueueDelayMs...)
//     eldResolutionMs: 1, monitorEventLoopDelay resolution (JS contenders) }
import { resolveModel } from './models.mjs';

function positiveInt(spec, key, fallback, { allowZero = false } = {}) {
  const v = spec[key] ?? fallback;
  if (!Number.isInteger(v) || v < (allowZero ? 0 : 1))
    throw new Error(`workload spec: "${key}" must be an integer >= ${allowZero ? 0 : 1}, got ${JSON.stringify(v)}`);
  return v;
}

export const PROVIDERS = ['cpu', 'cuda', 'tensorrt', 'webgpu'];
const RUN_MODES = ['auto', 'async', 'inline'];

function stringMap(obj, key, check) {
  if (obj == null) return {};
  if (typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`workload spec: "${key}" must be an object`);
  for (const [k, v] of Object.entries(obj))
    if (!check(v)) throw new Error(`workload spec: ${key}.${k} has an invalid value ${JSON.stringify(v)}`);
  return { ...obj };
}

function checkShapes(inputs) {
  for (const [name, dims] of Object.entries(inputs)) {
    if (!Array.isArray(dims) || !dims.every((d) => d === 'B' || (Number.isInteger(d) && d >= 0)))
      throw new Error(`workload spec: inputs.${name} must be an array of non-negative integers or "B"`);
  }
}

/** Parse (if a string) and normalize a workload spec; returns a new object with every field set. */
export function normalizeSpec(raw) {
  const spec = typeof raw === 'string' ? JSON.parse(raw) : { ...raw };
  const model = resolveModel(spec.model);
  if (spec.seconds != null && spec.runs != null) throw new Error('workload spec: give "seconds" or "runs", not both');
  const out = {
    model: model.path,
    batch: positiveInt(spec, 'batch', 1),
    concurrency: positiveInt(spec, 'concurrency', 1),
    threads: positiveInt(spec, 'threads', 1, { allowZero: true }),
    warmup: positiveInt(spec, 'warmup', 5, { allowZero: true }),
    inputs: { ...model.inputs, ...(spec.inputs ?? {}) },
    fixDims: { ...(spec.fixDims ?? {}) },
    fill: { ...model.fill, ...stringMap(spec.fill, 'fill', (v) => typeof v === 'number' && Number.isFinite(v)) },
    carry: { ...model.carry, ...stringMap(spec.carry, 'carry', (v) => typeof v === 'string' && v !== '') },
    provider: spec.provider ?? 'cpu',
    runMode: spec.runMode ?? null,
    batching: spec.batching ?? null,
    eldResolutionMs: positiveInt(spec, 'eldResolutionMs', 1),
  };
  if (!PROVIDERS.includes(out.provider))
    throw new Error(`workload spec: "provider" must be one of ${PROVIDERS.join(', ')}, got ${JSON.stringify(out.provider)}`);
  if (out.runMode !== null && !RUN_MODES.includes(out.runMode))
    throw new Error(`workload spec: "runMode" must be one of ${RUN_MODES.join(', ')}`);
  if (out.batching !== null && (typeof out.batching !== 'object' || Array.isArray(out.batching)))
    throw new Error('workload spec: "batching" must be an object');
  if (spec.runs != null) out.runs = positiveInt(spec, 'runs');
  else {
    out.seconds = spec.seconds ?? 5;
    if (typeof out.seconds !== 'number' || !(out.seconds > 0)) throw new Error('workload spec: "seconds" must be > 0');
  }
  checkShapes(out.inputs);
  for (const [k, v] of Object.entries(out.fixDims))
    if (!Number.isInteger(v) || v < 0) throw new Error(`workload spec: fixDims.${k} must be a non-negative integer`);
  return out;
}

/** Workload spec from a contender's argv (one JSON argument). */
export function specFromArgv(argv = process.argv.slice(2)) {
  if (argv.length !== 1) throw new Error('usage: node bench/contenders/<name>.mjs \'{"model":"relu","seconds":1}\'');
  return normalizeSpec(argv[0]);
}
