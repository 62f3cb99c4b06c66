// Run with UV_THREADPOOL_SIZE=1: occupies libuv's only thread with a long pbkdf2, then creates,
// runs and releases sessions meanwhile. Prints { events: [...] } in the order things finished.
import { pbkdf2 } from 'node:crypto';
import { InferenceSession, Tensor } from '../../../dist/index.js';

const events = [];
const busy = new Promise((resolve, reject) =>
  pbkdf2('secret', 'salt', 3_000_000, 64, 'sha512', (err) => (err ? reject(err) : resolve(events.push('libuv-free')))),
);
const models = ['demo.onnx', 'mlp_256_512_512_10.onnx', 'demo.onnx'];
for (const [i, name] of models.entries()) {
  const s = await InferenceSession.create(new URL(`../../models/${name}`, import.meta.url).pathname);
  events.push(`created ${i}`);
  const input = s.inputNames[0];
  const dims = name === 'demo.onnx' ? [1, 4] : [1, 256];
  await s.run({ [input]: new Tensor('float32', new Float32Array(dims[1]), dims) }, { mode: 'async' });
  await s.release();
  events.push(`released ${i}`);
}
await busy;
console.log(JSON.stringify({ events }));
