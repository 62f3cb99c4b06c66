// A run that leaves the JS thread copies its inputs out of V8 memory before the call returns
// (JS may detach them afterwards). When a pool worker is awake already (waiting for the next
// run, test/hazards/pool-spin), it copies part of them while the JS thread waits in the call
// (native/input_copy.h). Hazards: every byte arrives (results equal an inline run's); the call
// returns only when the copy is whole, so detaching the input right after run() returns, or
// rewriting it, changes nothing; a detached input is still refused coded; shared memory is still
// copied by the JS thread alone. The child (children/worker-copies-inputs.mjs) runs with
// ORTEX_TEST_WORKER_COPIES=1, where the JS thread leaves every chunk to the worker, so once the
// worker is awake for a run its part is certain there rather than a matter of timing (whether it
// is awake is timing: the child repeats its runs until it was, a bounded number of times).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor, stats } from '../../dist/index.js';
import { lastJson, model, randomFloat32, rejects, runScript, sameBytes } from '../helpers/index.mjs';

// 512 KiB of input: eight 64 KiB chunks to share; runs of about a millisecond, long enough for
// the worker to wait awake for the next one.
const ROWS = 512;
const ASYNC = { mode: 'async' };

async function session() {
  const s = await InferenceSession.create(model('mlp_256_512_512_10.onnx'), { intraOpNumThreads: 1 });
  const x = new Tensor('float32', randomFloat32(3, ROWS * 256), [ROWS, 256]);
  for (let i = 0; i < 5; i++) await s.run({ x }, ASYNC);
  return s;
}

test('inputs copied with the worker awake: results equal inline runs, the worker takes a share', async () => {
  const s = await session();
  try {
    const inputs = Array.from({ length: 6 }, (_, k) => new Tensor('float32', randomFloat32(20 + k, ROWS * 256), [ROWS, 256]));
    const expected = [];
    for (const x of inputs) expected.push((await s.run({ x }, { mode: 'inline' })).logits.data);
    const before = stats();
    for (let i = 0; i < 60; i++) {
      const out = await s.run({ x: inputs[i % inputs.length] }, ASYNC);
      sameBytes(out.logits.data, expected[i % inputs.length], `run ${i}`);
    }
    const after = stats();
    const copied = after.inputBytesCopied - before.inputBytesCopied;
    const byWorker = after.inputBytesCopiedByWorker - before.inputBytesCopiedByWorker;
    assert.is(copied, 60 * ROWS * 256 * 4, 'every run copied its input');
    // Whether the worker gets a chunk is timing (on a busy machine it shares the JS thread's
    // CPU); what it copies is whole 64 KiB chunks of what was copied.
    assert.ok(byWorker <= copied && byWorker % 65536 === 0, `worker ${byWorker} of ${copied} bytes`);
    assert.ok(after.spinHits - before.spinHits >= 1, 'the worker was awake for some runs');
  } finally {
    await s.release();
  }
});

test('the worker copies whole inputs while the JS thread waits; rewritten right after run() returns, nothing changes', async () => {
  const child = await runScript(new URL('./children/worker-copies-inputs.mjs', import.meta.url).pathname, [], {
    env: { ORTEX_TEST_WORKER_COPIES: '1' },
  });
  assert.ok(child.code === 0 && child.signal === null, `child: ${child.code} ${child.signal} ${child.stderr.slice(-1500)}`);
  const r = lastJson(child.stdout);
  assert.is(r.mismatches, 0, JSON.stringify(r));
  assert.ok(r.spinHits >= 1, JSON.stringify(r));
  assert.ok(r.byWorker > 0, `the worker copied nothing: ${JSON.stringify(r)}`);
  assert.is(r.byWorker % r.inputBytes, 0, `whole inputs only: ${JSON.stringify(r)}`);
  assert.ok(r.byWorker <= r.copied, JSON.stringify(r));
});

test('detached or rewritten right after run() returns: the run has the bytes of the call', async () => {
  const s = await session();
  try {
    const data = randomFloat32(40, ROWS * 256);
    const expected = (await s.run({ x: new Tensor('float32', data.slice(), [ROWS, 256]) }, { mode: 'inline' })).logits.data;
    for (let i = 0; i < 20; i++) {
      const own = data.slice();
      const pending = s.run({ x: new Tensor('float32', own, [ROWS, 256]) }, ASYNC);
      if (i % 2) own.fill(7);
      else structuredClone(own.buffer, { transfer: [own.buffer] }); // detached: its memory may go
      sameBytes((await pending).logits.data, expected, `run ${i}`);
    }
  } finally {
    await s.release();
  }
});

test('an input detached before the call is refused coded, with the worker awake', async () => {
  const s = await session();
  try {
    const own = randomFloat32(41, ROWS * 256);
    const x = new Tensor('float32', own, [ROWS, 256]);
    structuredClone(own.buffer, { transfer: [own.buffer] });
    await rejects(s.run({ x }, ASYNC), 'ERR_INVALID_INPUT');
    assert.ok((await s.run({ x: new Tensor('float32', randomFloat32(42, ROWS * 256), [ROWS, 256]) }, ASYNC)).logits);
  } finally {
    await s.release();
  }
});

test('a SharedArrayBuffer input: copied by the JS thread alone (another thread may write it)', async () => {
  const s = await session();
  try {
    const shared = new Float32Array(new SharedArrayBuffer(ROWS * 256 * 4));
    shared.set(randomFloat32(43, ROWS * 256));
    const expected = (await s.run({ x: new Tensor('float32', shared.slice(), [ROWS, 256]) }, { mode: 'inline' })).logits.data;
    const before = stats();
    for (let i = 0; i < 10; i++)
      sameBytes((await s.run({ x: new Tensor('float32', shared, [ROWS, 256]) }, ASYNC)).logits.data, expected, `run ${i}`);
    const after = stats();
    assert.is(after.inputBytesCopiedByWorker - before.inputBytesCopiedByWorker, 0);
    assert.is(after.inputBytesCopied - before.inputBytesCopied, 10 * ROWS * 256 * 4);
  } finally {
    await s.release();
  }
});

test.run();
