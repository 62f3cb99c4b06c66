// JS that runs inside the native run call — a getter on a string element, or on the dims of a
// tensor inside a sequence — releases the session. Prints one JSON line per case:
// { case, ok, result?, code?, message?, after? } (after: the code of a run made afterwards).
import { InferenceSession, Tensor } from '../../../dist/index.js';

const models = new URL('../../models/', import.meta.url);
const out = (fields) => console.log(JSON.stringify(fields));

async function attempt(name, session, makeFeeds, read, options) {
  let armed = false;
  const release = () => {
    if (!armed) return;
    armed = false;
    session.release();
    globalThis.gc?.();
  };
  const feeds = makeFeeds(release);
  armed = true;
  try {
    const result = read(await session.run(feeds, options));
    out({ case: name, ok: true, result });
  } catch (e) {
    out({ case: name, ok: false, code: e?.code, message: e?.message });
  }
  const after = await session.run(makeFeeds(() => {}), options).then(() => 'resolved', (e) => e?.code);
  out({ case: `${name} (next run)`, ok: after === 'ERR_SESSION_RELEASED', after });
}

// A string tensor whose second element is a getter (the fast path reads it inside runTensors).
const strings = (release) => {
  const data = ['a', 'b', 'c'];
  const t = new Tensor('string', data, [1, 3]);
  Object.defineProperty(data, 1, { get() { release(); return 'b'; }, enumerable: true });
  return { x: t };
};
for (const mode of ['inline', 'async']) {
  const s = await InferenceSession.create(new URL('identity_string.onnx', models).pathname);
  await attempt(`string element getter, ${mode}`, s, strings, (r) => Array.from(r.y.data), { mode });
}

// A sequence whose second tensor has dims with a getter (the general path reads them natively).
const sequence = (release) => {
  const a = new Tensor('float32', new Float32Array([1, 2, 3]), [1, 3]);
  const b = new Tensor('float32', new Float32Array([4, 5, 6]), [1, 3]);
  const dims = [1, 3];
  Object.defineProperty(dims, 0, { get() { release(); return 1; }, enumerable: true });
  try {
    Object.defineProperty(b, 'dims', { value: dims });
  } catch {
    // Tensors whose dims cannot be replaced: the hazard cannot be set up this way.
  }
  return { s: [a, b] };
};
for (const mode of ['inline', 'async']) {
  const s = await InferenceSession.create(new URL('seq.onnx', models).pathname);
  await attempt(`dims getter in a sequence, ${mode}`, s, sequence, (r) => Array.from(r.cat.data), { mode });
}
