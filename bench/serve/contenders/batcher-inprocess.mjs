// The in-process reference for PP-OCR cls: 64 concurrent callers of Batcher.run() on the same
// image for a fixed time, no HTTP. Prints one JSON line (requests/s, p50/p99 ms).
import { Batcher, Tensor } from '../../../dist/index.js';
const o = JSON.parse(process.argv[2]);
const batcher = await Batcher.create(o.model, { maxBatchSize: 32 });
const name = batcher.inputNames[0];
const image = new Float32Array(3 * 48 * 192).fill(0.5);
const lat = [];
let done = 0;
const end = performance.now() + o.seconds * 1000;
await Promise.all(
  Array.from({ length: o.connections }, async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await batcher.run({ [name]: new Tensor('float32', image, [1, 3, 48, 192]) });
      lat.push(performance.now() - t0);
      done++;
    }
  }),
);
lat.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    rps: done / o.seconds,
    total: done,
    p50: Math.round(lat[lat.length >> 1] * 100) / 100,
    p99: Math.round(lat[Math.floor(lat.length * 0.99)] * 100) / 100,
    errors: 0,
    non2xx: 0,
  }),
);
await batcher.close();
