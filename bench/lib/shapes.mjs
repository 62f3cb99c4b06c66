// Input shapes and random feeds from a session's input metadata.
// Same rules as bench/native/ceiling.cc:
//   explicit spec.inputs[name] wins ('B' = batch); otherwise fixed dims are kept, a free dim whose
//   symbolic name is in spec.fixDims gets that value, the first free dim gets spec.batch, others 1.
// Fill: float32/float64 uniform [0,1), everything else zero; spec.fill[name] = v sets every element to v.

function isFree(d) {
  return typeof d === 'string' || d == null || d < 0;
}

export function resolveShape(name, declared, spec) {
  const explicit = spec.inputs[name];
  if (explicit) return explicit.map((d) => (d === 'B' ? spec.batch : d));
  if (!declared) throw new Error(`input "${name}": no shape metadata; give spec.inputs.${name}`);
  let batchAssigned = false;
  return declared.map((d) => {
    if (!isFree(d)) return d;
    const fixed = typeof d === 'string' && d !== '' ? spec.fixDims[d] : undefined;
    const value = fixed ?? (batchAssigned ? 1 : spec.batch);
    batchAssigned = true; // only the first free dim can be the batch dim
    return value;
  });
}

const ZERO_ARRAYS = {
  float16: Uint16Array,
  bfloat16: Uint16Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

function makeData(type, size, fill) {
  if (fill !== undefined) {
    if (type === 'string') return new Array(size).fill(String(fill));
    const Ctor = type === 'float32' ? Float32Array : type === 'float64' ? Float64Array : ZERO_ARRAYS[type];
    if (!Ctor) throw new Error(`unsupported input element type "${type}"`);
    if (type === 'float16' || type === 'bfloat16') throw new Error(`fill is not supported for ${type} inputs`);
    const big = Ctor === BigInt64Array || Ctor === BigUint64Array;
    return new Ctor(size).fill(big ? BigInt(fill) : fill);
  }
  if (type === 'float32' || type === 'float64') {
    const a = type === 'float32' ? new Float32Array(size) : new Float64Array(size);
    for (let i = 0; i < size; i++) a[i] = Math.random();
    return a;
  }
  if (type === 'string') return new Array(size).fill('');
  const Ctor = ZERO_ARRAYS[type];
  if (!Ctor) throw new Error(`unsupported input element type "${type}"`);
  return new Ctor(size);
}

/** onnxruntime-common style inputMetadata as an array of { name, type, shape }. */
function inputMetadata(session) {
  const meta = session.inputMetadata;
  if (Array.isArray(meta)) return meta;
  if (meta && typeof meta === 'object') return session.inputNames.map((name) => ({ name, ...meta[name] }));
  return session.inputNames.map((name) => ({ name, type: 'float32', shape: undefined }));
}

/**
 * Describe every input: [{ name, type, dims, fill? }]. Throws for unknown spec.inputs / spec.fill /
 * spec.carry names and non-tensor inputs.
 */
export function describeInputs(session, spec) {
  const fill = spec.fill ?? {};
  for (const name of [...Object.keys(spec.inputs), ...Object.keys(fill), ...Object.values(spec.carry ?? {})])
    if (!session.inputNames.includes(name)) throw new Error(`workload spec names unknown input "${name}"`);
  for (const name of Object.keys(spec.carry ?? {}))
    if (!session.outputNames.includes(name)) throw new Error(`workload spec carry names unknown output "${name}"`);
  return inputMetadata(session).map((m) => {
    if (m.isTensor === false) throw new Error(`input "${m.name}" is not a tensor; only tensor inputs are supported`);
    const d = { name: m.name, type: m.type ?? 'float32', dims: resolveShape(m.name, m.shape, spec) };
    if (fill[m.name] !== undefined) d.fill = fill[m.name];
    return d;
  });
}

/** A fresh feeds object ({ name: Tensor }) for the described inputs. */
export function makeFeeds(Tensor, inputs) {
  const feeds = {};
  for (const { name, type, dims, fill } of inputs) {
    const size = dims.reduce((a, b) => a * b, 1);
    feeds[name] = new Tensor(type, makeData(type, size, fill), dims);
  }
  return feeds;
}
