// Input shapes and random feeds from a session's input metadata.
// Same rules as bench/native/ceiling.cc:
//   explicit spec.inputs[name] wins ('B' = batch); otherwise fixed dims are kept, a free dim whose
//   symbolic name is in spec.fixDims gets that value, the first free dim gets spec.batch, others 1.
// Fill: float32/float64 uniform [0,1), everything else zero.

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
  float16: Uint16Array, bfloat16: Uint16Array,
  int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
  bool: Uint8Array,
};

function makeData(type, size) {
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

/** Describe every input: [{ name, type, dims }]. Throws for unknown spec.inputs names and non-tensor inputs. */
export function describeInputs(session, spec) {
  for (const name of Object.keys(spec.inputs))
    if (!session.inputNames.includes(name)) throw new Error(`spec.inputs names unknown input "${name}"`);
  return inputMetadata(session).map((m) => {
    if (m.isTensor === false) throw new Error(`input "${m.name}" is not a tensor; only tensor inputs are supported`);
    return { name: m.name, type: m.type ?? 'float32', dims: resolveShape(m.name, m.shape, spec) };
  });
}

/** A fresh feeds object ({ name: Tensor }) for the described inputs. */
export function makeFeeds(Tensor, inputs) {
  const feeds = {};
  for (const { name, type, dims } of inputs) {
    const size = dims.reduce((a, b) => a * b, 1);
    feeds[name] = new Tensor(type, makeData(type, size), dims);
  }
  return feeds;
}
