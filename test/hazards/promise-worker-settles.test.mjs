// Every async native operation settles its promise with a coded error when it fails, whatever
// failed: the work (a std::exception, ortex's own Failure, a throw of a non-exception), or
// building the result (a Napi::Error, a std::exception). A hang fails the test by its timeout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor, isOrtexError } from '../../dist/index.js';
import { binding } from '../../dist/native/runtime.js';
import { model, rejects } from '../helpers/index.mjs';

/** Rejects when `p` has not settled within `ms`. */
function settlesWithin(p, ms, what) {
  let timer;
  const hang = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

const CASES = [
  ['execute-std', 'ERR_RUNTIME', /^probe: std::exception in execute$/],
  ['execute-failure', 'ERR_MODEL_LOAD', /^probe: Failure in execute$/],
  ['execute-other', 'ERR_RUNTIME', /^unknown native error$/],
  ['result-napi', 'ERR_INVALID_ARGUMENT', /^probe: Napi::Error while building the result$/],
  ['result-std', 'ERR_RUNTIME', /^probe: std::exception while building the result$/],
];

// Operations run on libuv's pool (device downloads) or on the lifecycle thread (session create
// and release): both settle the same way.
for (const executor of ['libuv', 'lifecycle']) {
  test(`the promise-operation base on the ${executor} thread(s): each failing step rejects with a coded error`, async () => {
    await InferenceSession.create(model('demo.onnx')).then((s) => s.release()); // loads the runtime
    const b = binding();
    assert.is(await settlesWithin(b._probePromiseWorker('ok', executor), 5000, 'ok'), 'ok');
    for (const [mode, code, message] of CASES) {
      let error;
      try {
        await settlesWithin(b._probePromiseWorker(mode, executor), 5000, mode);
      } catch (e) {
        error = e;
      }
      assert.ok(error, `${mode}: resolved`);
      assert.is(error.code, code, `${mode}: code ${error.code}: ${error.message}`);
      assert.match(error.message, message, mode);
    }
  });

  test(`the base under load on the ${executor} thread(s): 200 failing operations at once all settle`, async () => {
    const b = binding();
    const modes = Array.from({ length: 200 }, (_, i) => CASES[i % CASES.length][0]);
    const results = await settlesWithin(Promise.allSettled(modes.map((m) => b._probePromiseWorker(m, executor))), 20_000, '200 operations');
    assert.ok(results.every((r) => r.status === 'rejected' && typeof r.reason.code === 'string'));
  });
}

test('a failing create settles with ERR_MODEL_LOAD: garbage bytes, a missing file, a directory', async () => {
  const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) & 0xff);
  await rejects(
    settlesWithin(InferenceSession.create(garbage), 10_000, 'create from garbage'),
    'ERR_MODEL_LOAD',
    /cannot load model from 4096 bytes/,
  );
  await rejects(
    settlesWithin(InferenceSession.create(model('no-such-model.onnx')), 10_000, 'create from a missing file'),
    'ERR_MODEL_LOAD',
    /no-such-model\.onnx/,
  );
  await rejects(settlesWithin(InferenceSession.create(model('')), 10_000, 'create from a directory'), 'ERR_MODEL_LOAD');
  // Many at once, interleaved with good ones.
  const all = await settlesWithin(
    Promise.allSettled(Array.from({ length: 24 }, (_, i) => InferenceSession.create(i % 3 ? garbage : model('demo.onnx')))),
    30_000,
    '24 creates',
  );
  for (const [i, r] of all.entries()) {
    if (i % 3) assert.ok(r.status === 'rejected' && isOrtexError(r.reason, 'ERR_MODEL_LOAD'), `create ${i}: ${r.reason?.code}`);
    else {
      assert.is(r.status, 'fulfilled', `create ${i}: ${r.reason?.message}`);
      await r.value.release();
    }
  }
});

test('a failing device download settles with a coded error (needs a GPU provider)', async () => {
  const s = await InferenceSession.create(model('identity_float32.onnx'), {
    executionProviders: [{ name: 'cuda', onFailure: 'fallback' }, 'cpu'],
  });
  if (!s.providers.includes('cuda')) {
    console.log('  skipped: CUDA cannot start here (the worker base is covered above)');
    await s.release();
    return;
  }
  // Identity over a float tensor on the device, downloaded after the session is gone: the
  // output keeps the provider alive, so the download must still settle (resolve here).
  const out = await s.run({ x: new Tensor('float32', new Float32Array(6), [2, 3]) }, { outputLocation: 'gpu' });
  await s.release();
  const host = await settlesWithin(out.y.download(), 10_000, 'download');
  assert.equal([...host.data], [0, 0, 0, 0, 0, 0]);
  out.y.dispose();
  await rejects(settlesWithin(out.y.download(), 10_000, 'download of a disposed tensor'), 'ERR_INVALID_ARGUMENT', /disposed/);
});

test.run();
