// SessionPool (issue 3): N sessions of one model, runs handed to the least-busy instance, sizing
// defaults, option validation, load failure without leaks, release semantics.
// Run: node --expose-gc test/session-pool.test.mjs   (or node test/run.mjs session-pool)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { availableParallelism } from 'node:os';
import { InferenceSession, SessionPool, Tensor, stats } from '../dist/index.js';
import { closeTo, model, randomFloat32, rejects } from './helpers/index.mjs';

const MLP = model('mlp_256_512_512_10.onnx');
const x = (seed, rows = 1) => new Tensor('float32', randomFloat32(seed, rows * 256), [rows, 256]);

test('creates N instances of one model; results equal a plain session', async () => {
  const pool = await SessionPool.create(MLP, { size: 3 });
  const ref = await InferenceSession.create(MLP);
  assert.is(pool.size, 3);
  assert.is(new Set(pool.sessions).size, 3);
  assert.equal(pool.inputNames, ['x']);
  assert.equal(pool.outputNames, ['logits']);
  assert.equal(pool.inputMetadata, ref.inputMetadata);
  for (let i = 0; i < 6; i++) {
    const out = await pool.run({ x: x(i, 2) });
    closeTo(out.logits.data, (await ref.run({ x: x(i, 2) })).logits.data, { rtol: 1e-6 });
  }
  // Fetches and run options pass through.
  const fetched = await pool.run({ x: x(9) }, ['logits'], { mode: 'async' });
  assert.equal(fetched.logits.dims, [1, 10]);
  await pool.release();
  await ref.release();
});

test('runs go to the least-busy instance (ties round-robin)', async () => {
  const pool = await SessionPool.create(MLP, { size: 2 });
  const ps = [0, 1, 2, 3].map((i) => pool.run({ x: x(i, 64) }, { mode: 'async' }));
  assert.equal(
    pool.stats().instances.map((s) => s.pending),
    [2, 2],
    'spread while in flight',
  );
  assert.is(pool.pendingRuns, 4);
  assert.is(pool.idle, 0);
  await Promise.all(ps);
  assert.is(pool.pendingRuns, 0);
  assert.is(pool.idle, 2);
  // One instance busy: the next run goes to the other one, whatever the round-robin position.
  for (let k = 0; k < 3; k++) {
    const busy = pool.run({ x: x(5, 256) }, { mode: 'async' });
    const busyIndex = pool.stats().instances.findIndex((s) => s.pending === 1);
    const quick = pool.run({ x: x(6) }, { mode: 'async' });
    assert.equal(
      pool.stats().instances.map((s) => s.pending),
      [1, 1],
      `run ${k}: the idle instance (not ${busyIndex}) got it`,
    );
    await Promise.all([busy, quick]);
  }
  assert.equal(
    pool.stats().instances.map((s) => s.pending),
    [0, 0],
  );
  await pool.release();
});

test('least-busy beats round-robin: a busy instance is skipped even when it is next in turn', async () => {
  const pool = await SessionPool.create(MLP, { size: 3 });
  const long = pool.run({ x: x(1, 8192) }, { mode: 'async' }); // instance 0, busy for a while
  await pool.run({ x: x(2) }, { mode: 'async' }); // instance 1, done
  const c = pool.run({ x: x(3, 8192) }, { mode: 'async' }); // instance 2 (idle, next in turn)
  const d = pool.run({ x: x(4) }, { mode: 'async' }); // round-robin says 0 (busy); least-busy says 1
  assert.equal(
    pool.stats().instances.map((s) => s.runs),
    [1, 2, 1],
  );
  await Promise.all([long, c, d]);
  await pool.release();
});

test('a failing run rejects with its coded error and frees its slot', async () => {
  const pool = await SessionPool.create(MLP, { size: 2 });
  await rejects(pool.run({ x: new Tensor('float32', new Float32Array(3), [1, 3]) }), 'ERR_INVALID_INPUT', /the model requires 256/);
  await rejects(pool.run({ y: x(1) }), 'ERR_INVALID_INPUT', /unknown input 'y'/);
  assert.is(pool.pendingRuns, 0);
  assert.ok((await pool.run({ x: x(1) })).logits);
  await pool.release();
});

test('default size: cores ÷ intraOpNumThreads; intra-op threads default to 1', async () => {
  const cores = availableParallelism();
  const pool = await SessionPool.create(MLP);
  assert.is(pool.size, cores);
  await pool.release();
  const two = await SessionPool.create(MLP, { sessionOptions: { intraOpNumThreads: 2 } });
  assert.is(two.size, Math.max(1, Math.floor(cores / 2)));
  await two.release();
  const all = await SessionPool.create(MLP, { sessionOptions: { intraOpNumThreads: 0 } });
  assert.is(all.size, 1, "ORT's default thread count (all cores) → one instance");
  await all.release();
});

test('invalid options are ERR_INVALID_ARGUMENT; a load failure releases the instances already made', async () => {
  await rejects(
    SessionPool.create(MLP, { size: 0 }),
    'ERR_INVALID_ARGUMENT',
    'expected an integer from 1 to 1024 for session pool size, received number 0',
  );
  await rejects(
    SessionPool.create(MLP, { sise: 2 }),
    'ERR_INVALID_ARGUMENT',
    'expected only known keys (size, sessionOptions) for session pool options, received unknown key "sise"',
  );
  await rejects(SessionPool.create(MLP, { sessionOptions: { intraOpNumThreads: -1 } }), 'ERR_INVALID_ARGUMENT', /intraOpNumThreads/);
  const s0 = stats();
  await rejects(SessionPool.create(model('does-not-exist.onnx'), { size: 2 }), 'ERR_MODEL_LOAD');
  const s1 = stats();
  // Live sessions must not grow (the collector may free sessions of earlier tests meanwhile).
  assert.ok(s1.sessionsCreated - s1.sessionsReleased <= s0.sessionsCreated - s0.sessionsReleased, 'nothing left open');
  assert.throws(
    () => new SessionPool(Symbol('x'), []),
    (e) => e.code === 'ERR_INVALID_ARGUMENT',
  );
});

test('release(): waits for runs in flight, releases every instance, idempotent; later runs are rejected', async () => {
  const pool = await SessionPool.create(MLP, { size: 2 });
  const inflight = pool.run({ x: x(1, 128) }, { mode: 'async' });
  const released = pool.release();
  assert.is(pool.release(), released, 'the same promise');
  assert.ok(pool.released);
  await rejects(pool.run({ x: x(2) }), 'ERR_SESSION_RELEASED', 'the session pool has been released');
  assert.equal((await inflight).logits.dims, [128, 10]);
  await released;
  assert.ok(pool.sessions.every((s) => s.released));
});

test.run();
