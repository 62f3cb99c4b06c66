// The reference binding: onnxruntime-node 1.30 (same ONNX Runtime version ortex loads).
import ort from 'onnxruntime-node';

export { ort };

const sessions = new Map();

/** A cached onnxruntime-node session for `path` (single-threaded intra-op for stable numerics). */
export function refSession(path, options = {}) {
  const key = `${path}\n${JSON.stringify(options)}`;
  if (!sessions.has(key)) sessions.set(key, ort.InferenceSession.create(path, options));
  return sessions.get(key);
}

/** Runs `path` through onnxruntime-node. `feeds` maps names to { type, data, dims }. */
export async function refRun(path, feeds, options) {
  const s = await refSession(path, options);
  const ortFeeds = {};
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  return s.run(ortFeeds);
}

export async function releaseReferences() {
  for (const p of sessions.values()) await (await p).release();
  sessions.clear();
}
