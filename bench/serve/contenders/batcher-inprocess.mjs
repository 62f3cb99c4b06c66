// The in-process reference for PP-OCR cls: 64 concurrent callers of Batcher.run() for a fixed
// time, no HTTP. Like for like with `ortex serve` for this model: the same session options
// (DEFAULT_SESSION_OPTIONS: one intra-op thread per run) and the same Batcher options
// (batcherOptions() of an empty model config: the adaptive schedule, run mode 'auto', the default
// queue bound), and a fresh image per request, as the server decodes one per request body.
// Warm like the servers: the callers run `warmup` seconds before anything is counted.
// Prints one JSON line (requests/s, p50/p99 ms, its own CPU µs per request).
import { Batcher, InferenceSession, Tensor } from '../../../dist/index.js';
import { batcherOptions } from '../../../dist/server/batching-policy.js';
import { DEFAULT_LIMITS } from '../../../dist/server/config.js';
import { DEFAULT_SESSION_OPTIONS } from '../../../dist/server/model-version.js';

const o = JSON.parse(process.argv[2]);
const session = await InferenceSession.create(o.model, { ...DEFAULT_SESSION_OPTIONS });
const batcher = new Batcher(session, {
  ...batcherOptions({}, session.inputMetadata, session.outputMetadata, DEFAULT_LIMITS.maxQueueSize),
  ownsTarget: true,
});
const name = batcher.inputNames[0];
const ELEMENTS = 3 * 48 * 192;
const image = () => ({ [name]: new Tensor('float32', new Float32Array(ELEMENTS).fill(0.5), [1, 3, 48, 192]) });
/** `o.connections` callers, each running one request after another until `seconds` have passed. */
const callers = (seconds, each) => {
  const end = performance.now() + seconds * 1000;
  return Promise.all(
    Array.from({ length: o.connections }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await batcher.run(image());
        each(performance.now() - t0);
      }
    }),
  );
};
await callers(o.warmup ?? 0, () => undefined);
const lat = [];
let done = 0;
const cpu0 = process.cpuUsage();
await callers(o.seconds, (ms) => {
  lat.push(ms);
  done++;
});
const cpu = process.cpuUsage(cpu0);
lat.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    rps: done / o.seconds,
    total: done,
    p50: Math.round(lat[lat.length >> 1] * 100) / 100,
    p99: Math.round(lat[Math.floor(lat.length * 0.99)] * 100) / 100,
    errors: 0,
    non2xx: 0,
    serverCpuUsPerRequest: Math.round(((cpu.user + cpu.system) / done) * 10) / 10,
  }),
);
await batcher.close();
