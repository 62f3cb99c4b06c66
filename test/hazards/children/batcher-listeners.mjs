// Child of batcher-throwing-listener.test.mjs: 'batch', 'reject' and 'close' listeners that
// throw. Before the fix a throwing 'batch' listener became an uncaught exception (an unhandled
// rejection inside the batcher's completion), and a throwing 'reject' listener made run() throw
// synchronously. argv[2] 'error-listener' adds an 'error' listener. Prints one JSON line.
import { Batcher, InferenceSession, Tensor } from '../../../dist/index.js';

const withErrorListener = process.argv[2] === 'error-listener';
const warnings = [];
process.on('warning', (w) => warnings.push({ name: w.name, code: w.code, message: w.message }));

const session = await InferenceSession.create(new URL('../../models/demo.onnx', import.meta.url).pathname);
const b = new Batcher(session, { maxBatchSize: 4 });
const errors = [];
if (withErrorListener) b.on('error', (e) => errors.push(e.message));
const calls = { batch: 0, batchAfter: 0, reject: 0, close: 0 };
b.on('batch', () => {
  calls.batch++;
  throw new Error('batch listener bug');
});
b.on('batch', () => {
  calls.batchAfter++; // a later listener still runs
});
b.on('reject', () => {
  calls.reject++;
  throw new Error('reject listener bug');
});
b.once('close', () => {
  calls.close++;
  throw new Error('close listener bug');
});
const row = () => ({ features: new Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]) });
const results = await Promise.all([b.run(row()), b.run(row())]);
let syncThrow = false;
let rejection;
try {
  // Invalid feeds: refused through the 'reject' listener, which throws.
  await b.run({ nope: 1 }).catch((e) => {
    rejection = e.code;
  });
} catch {
  syncThrow = true;
}
const after = await b.run(row()); // still serving
await b.close();
await new Promise((r) => setImmediate(r));
await session.release();
console.log(
  JSON.stringify({
    answered: results.length + 1,
    dims: after.probabilities.dims,
    calls,
    syncThrow,
    rejection,
    errors,
    warnings,
  }),
);
