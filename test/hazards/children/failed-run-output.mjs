// Runs a model whose run fails (Gather out of bounds), inline and async, with and without run
// options; prints the error codes. argv[2]: optional session logSeverityLevel.
import { InferenceSession, Tensor } from '../../../dist/index.js';

const level = process.argv[2];
const s = await InferenceSession.create(
  new URL('../../models/bad_runtime.onnx', import.meta.url).pathname,
  level === undefined ? undefined : { logSeverityLevel: Number(level) },
);
const data = new Tensor('float32', new Float32Array(6), [2, 3]);
const codes = [];
for (const mode of ['inline', 'async']) {
  for (const options of [{ mode }, { mode, tag: 'tagged' }]) {
    await s.run({ data, indices: new Tensor('int64', [9n], [1]) }, options).then(
      () => codes.push('resolved'),
      (e) => codes.push(e.code),
    );
  }
}
console.log(JSON.stringify(codes));
await s.release();
