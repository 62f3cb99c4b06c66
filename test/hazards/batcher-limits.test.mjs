// Hazards (issue 10): Batcher options that hung or failed every run were accepted.
// maxQueueDelayMs 1e10 (Node clamps the timer to 1 ms; the batcher re-armed forever) and Infinity
// (a lone request never ran); maxBatchSize 1e9 (every run failed allocating the merge buffer). Now
// the options are bounded with clear errors, long deadlines sleep in steps of the longest timer,
// and merge buffers grow with the batches actually run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Batcher, InferenceSession, Tensor } from '../../dist/index.js';
import { lastJson, model, runScript } from '../helpers/index.mjs';

let mlp;
test.before(async () => {
  mlp = await InferenceSession.create(model('mlp_256_512_512_10.onnx'), { intraOpNumThreads: 1 });
});
test.after(async () => {
  await mlp.release();
});

const refused = (options, message) =>
  assert.throws(
    () => new Batcher(mlp, options),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && (message instanceof RegExp ? message.test(e.message) : e.message === message),
  );

test('maxQueueDelayMs: finite, at most a minute', () => {
  refused(
    { maxQueueDelayMs: 1e10 },
    'expected a number of milliseconds from 0 to 60000 for Batcher option maxQueueDelayMs, received number 10000000000',
  );
  refused(
    { maxQueueDelayMs: Infinity },
    'expected a number of milliseconds from 0 to 60000 for Batcher option maxQueueDelayMs, received number Infinity',
  );
  refused({ maxQueueDelayMs: -1 }, /from 0 to 60000 .* received number -1$/);
  refused({ maxQueueDelayMs: NaN }, /received number NaN$/);
  new Batcher(mlp, { maxQueueDelayMs: 60000 }).close();
});

test('maxBatchSize: at most 1,048,576 rows; a large limit allocates only what batches use', async () => {
  refused({ maxBatchSize: 1e9 }, 'expected an integer from 1 to 1048576 for Batcher option maxBatchSize, received number 1000000000');
  const b = new Batcher(mlp, { maxBatchSize: 2 ** 20, maxQueueSize: 2 ** 20 });
  try {
    const before = process.memoryUsage().arrayBuffers;
    const x = () => new Tensor('float32', new Float32Array(256).fill(1), [1, 256]);
    const out = await Promise.all([b.run({ x: x() }), b.run({ x: x() }), b.run({ x: x() })]);
    assert.equal(out[2].logits.dims, [1, 10]);
    const grown = process.memoryUsage().arrayBuffers - before;
    // A full-batch buffer would be 2^20 x 256 floats = 1 GiB; three rows need a few KiB.
    assert.ok(grown < 8 * 2 ** 20, `array buffers grew by ${grown} bytes`);
  } finally {
    await b.close();
  }
});

test('timeoutMs beyond the longest timer: no spinning, no TimeoutOverflowWarning, the process exits', async () => {
  const r = await runScript(new URL('./children/batcher-far-timeout.mjs', import.meta.url).pathname, [], { timeoutMs: 30_000 });
  assert.is(r.code, 0, `child exited ${r.code} (${r.signal}): ${r.stderr.slice(-1500)}`);
  const out = lastJson(r.stdout);
  assert.is(out.ok, 2);
  assert.ok(out.timersArmed <= 2, `the batcher armed ${out.timersArmed} timers in 200 ms`);
  assert.equal(out.warnings, []);
});

test.run();
