// Hazard (issue 10): a 10,000-row request was rejected with ERR_QUEUE_FULL (retry later) although
// oversize requests are documented as split, and no retry could ever fit it in the default
// 4096-row queue. Now a request larger than maxQueueSize is refused at once with ERR_INVALID_INPUT
// naming the limit (a client error: retrying cannot help); up to maxQueueSize, oversize requests
// are split into maxBatchSize parts and reassembled, equal to one unbatched run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Batcher, InferenceSession, Tensor } from '../../dist/index.js';
import { closeTo, model, randomFloat32, rejects } from '../helpers/index.mjs';

let mlp;
test.before(async () => {
  mlp = await InferenceSession.create(model('mlp_256_512_512_10.onnx'), { intraOpNumThreads: 1 });
});
test.after(async () => {
  await mlp.release();
});
const ROWS = 10_000;
const x = new Tensor('float32', randomFloat32(7, ROWS * 256), [ROWS, 256]);

test('10,000 rows over the default queue: ERR_INVALID_INPUT naming maxQueueSize, not ERR_QUEUE_FULL', async () => {
  const b = new Batcher(mlp);
  try {
    await rejects(
      b.run({ x }),
      'ERR_INVALID_INPUT',
      'expected at most 4096 rows in one request (maxQueueSize: a larger request can never be queued; raise maxQueueSize or send smaller requests) for feeds, received 10000 rows',
    );
    assert.equal(b.stats().rejected, { ERR_INVALID_INPUT: 1 });
  } finally {
    await b.close();
  }
});

test('with room in the queue: split into maxBatchSize parts, reassembled, equal to one unbatched run', async () => {
  const b = new Batcher(mlp, { maxBatchSize: 512, maxQueueSize: 16_384 });
  try {
    const [batched, direct] = await Promise.all([b.run({ x }), mlp.run({ x })]);
    assert.equal(batched.logits.dims, [ROWS, 10]);
    closeTo(batched.logits.data, direct.logits.data, { rtol: 1e-5, atol: 1e-6 });
    assert.is(b.stats().batches, Math.ceil(ROWS / 512));
  } finally {
    await b.close();
  }
});

test('a request that fits the queue but not its free room is ERR_QUEUE_FULL (retry later)', async () => {
  const b = new Batcher(mlp, { maxBatchSize: 512, maxQueueSize: 12_000, maxInflightBatches: 1 });
  try {
    const first = b.run({ x });
    await rejects(b.run({ x }), 'ERR_QUEUE_FULL', /no room for 10000 more$/);
    await first;
  } finally {
    await b.close();
  }
});

test.run();
