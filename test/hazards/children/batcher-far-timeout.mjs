// Child of batcher-limits.test.mjs: a request with timeoutMs 1e10 waits in the queue behind a
// paused batch. Node clamps timers longer than 2^31 - 1 ms to 1 ms: the batcher used to re-arm its
// deadline timer every millisecond forever (with a TimeoutOverflowWarning each time) and the process
// never went idle. Counts timer wake-ups for 200 ms, then lets the batch run; the process must exit
// by itself. Prints one JSON line.
import { Batcher, InferenceSession, Tensor } from '../../../dist/index.js';

const warnings = [];
process.on('warning', (w) => warnings.push(w.name));
const session = await InferenceSession.create(new URL('../../models/demo.onnx', import.meta.url).pathname);
let release;
const gate = new Promise((r) => {
  release = r;
});
const target = {
  inputNames: session.inputNames,
  outputNames: session.outputNames,
  inputMetadata: session.inputMetadata,
  outputMetadata: session.outputMetadata,
  run: (feeds, options) => gate.then(() => session.run(feeds, options)),
  release: () => session.release(),
};
const b = new Batcher(target, { maxInflightBatches: 1, ownsTarget: true });
const row = () => ({ features: new Tensor('float32', new Float32Array(4), [1, 4]) });
const first = b.run(row()); // occupies the only slot
await new Promise((r) => setImmediate(r));
const queued = b.run(row(), { timeoutMs: 1e10 }); // waits in the queue, deadline ~115 days away
const timeouts = [];
const orig = globalThis.setTimeout;
globalThis.setTimeout = (fn, ms, ...rest) => {
  timeouts.push(ms);
  return orig(fn, ms, ...rest);
};
await new Promise((r) => orig(r, 200));
globalThis.setTimeout = orig;
release();
const results = await Promise.all([first, queued]);
await b.close();
console.log(JSON.stringify({ timersArmed: timeouts.length, ok: results.length, warnings }));
