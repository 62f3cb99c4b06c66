// Child of worker-copies-inputs.test.mjs, run with ORTEX_TEST_WORKER_COPIES=1 (the JS thread
// leaves every chunk of a shared copy to the worker and waits). Sequential async runs of the MLP
// on changing inputs, each input rewritten as soon as run() returns: a run that still read it
// afterwards would see 7s (40 runs, repeated until the worker was awake for some). Prints one JSON line: mismatches against inline results, the bytes
// copied and copied by the worker, spin hits.
import { InferenceSession, Tensor, stats } from '../../../dist/index.js';
import { model, randomFloat32 } from '../../helpers/index.mjs';

const ROWS = 512;
const s = await InferenceSession.create(model('mlp_256_512_512_10.onnx'), { intraOpNumThreads: 1 });
const sources = Array.from({ length: 4 }, (_, k) => randomFloat32(60 + k, ROWS * 256));
const expected = [];
for (const data of sources)
  expected.push((await s.run({ x: new Tensor('float32', data.slice(), [ROWS, 256]) }, { mode: 'inline' })).logits.data);
for (let i = 0; i < 5; i++) await s.run({ x: new Tensor('float32', sources[0].slice(), [ROWS, 256]) }, { mode: 'async' });
const before = stats();
let mismatches = 0;
// Whether the worker is still awake when the next run comes is timing (a worker waits at most an
// eighth of the run it finished): the next input is made while a run is in flight, so that the
// gap after each result is short, and blocks of 40 runs repeat (at most 5) until some run found
// the worker awake — on a busy VM none of a single block's 40 may.
let own = sources[0].slice();
for (let block = 0; block < 5 && (block === 0 || stats().spinHits === before.spinHits); block++) {
  for (let i = 0; i < 40; i++) {
    const pending = s.run({ x: new Tensor('float32', own, [ROWS, 256]) }, { mode: 'async' });
    own.fill(7);
    own = sources[(i + 1) % sources.length].slice();
    const got = (await pending).logits.data;
    const want = expected[i % sources.length];
    if (got.length !== want.length || got.some((v, j) => !Object.is(v, want[j]))) mismatches++;
  }
}
const after = stats();
console.log(
  JSON.stringify({
    mismatches,
    inputBytes: ROWS * 256 * 4,
    copied: after.inputBytesCopied - before.inputBytesCopied,
    byWorker: after.inputBytesCopiedByWorker - before.inputBytesCopiedByWorker,
    spinHits: after.spinHits - before.spinHits,
  }),
);
await s.release();
