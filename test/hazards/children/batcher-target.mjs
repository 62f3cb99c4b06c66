// Child of batcher-target-results.test.mjs: custom Batcher targets that return plain values (not
// promises), throw, or return junk. Before the fix a plain value killed the process with an
// uncaught TypeError in a setImmediate. Prints one JSON line with what each request got.
import { Batcher, InferenceSession, Tensor } from '../../../dist/index.js';

const session = await InferenceSession.create(new URL('../../models/demo.onnx', import.meta.url).pathname);
const io = {
  inputNames: session.inputNames,
  outputNames: session.outputNames,
  inputMetadata: session.inputMetadata,
  outputMetadata: session.outputMetadata,
  release: async () => {},
};
await session.release();
const rows = (n, from) => ({
  features: new Tensor(
    'float32',
    Float32Array.from({ length: n * 4 }, (_, i) => from + i),
    [n, 4],
  ),
});
const outcome = (p) =>
  p.then(
    (r) => ({ ok: true, dims: r.probabilities.dims, data: [...r.probabilities.data] }),
    (e) => ({ ok: false, code: e.code, message: e.message }),
  );
const results = {};

// A synchronous target: returns its outputs (each input doubled) as a plain object, no promise.
const doubler = {
  ...io,
  run: (feeds) => ({
    probabilities: new Tensor(
      'float32',
      feeds.features.data.map((x) => 2 * x),
      feeds.features.dims,
    ),
  }),
};
let b = new Batcher(doubler, { maxBatchSize: 8 });
results.plain = await Promise.all([outcome(b.run(rows(1, 0))), outcome(b.run(rows(2, 100)))]);
results.plainBatches = b.stats().batches;
await b.close();

// A target whose run() throws synchronously, then one that returns junk (a number).
b = new Batcher({
  ...io,
  run: () => {
    throw new Error('target exploded');
  },
});
results.throws = await outcome(b.run(rows(1, 0)));
await b.close();
b = new Batcher({ ...io, run: () => 42 });
results.junk = await outcome(b.run(rows(1, 0)));
results.stillServing = b.stats().pending === 0 && (await outcome(b.run(rows(1, 0)))).code === 'ERR_RUNTIME';
await b.close();
console.log(JSON.stringify(results));
