// JS that runs inside the native run call — a getter on a string element, or on a dims array —
// releases the session. Prints one JSON line per case:
// { case, ok, result?, code?, message?, after? } (after: the code of a run made afterwards).
// The public API reads tensors in TypeScript first (a getter there sees a coded error); the
// addon's own calls are driven directly too, so the getter runs inside the native call.
import { InferenceSession, Tensor, init } from '../../../dist/index.js';
import { binding } from '../../../dist/native/runtime.js';

const models = new URL('../../models/', import.meta.url);
const out = (fields) => console.log(JSON.stringify(fields));
const codeOf = (e) => ({ ok: false, code: e?.code, message: e?.message });

// Through the public API: a string tensor whose second element is a getter.
for (const mode of ['inline', 'async']) {
  const s = await InferenceSession.create(new URL('identity_string.onnx', models).pathname);
  let armed = false;
  const data = ['a', 'b', 'c'];
  const t = new Tensor('string', data, [1, 3]);
  Object.defineProperty(data, 1, {
    get() {
      if (armed) {
        armed = false;
        s.release();
      }
      return 'b';
    },
  });
  armed = true;
  const name = `API: string element getter, ${mode}`;
  await s.run({ x: t }, { mode }).then(
    (r) => out({ case: name, ok: true, result: Array.from(r.y.data) }),
    (e) => out({ case: name, ...codeOf(e) }),
  );
  const after = await s.run({ x: new Tensor('string', ['a'], [1, 1]) }).then(
    () => 'resolved',
    (e) => e?.code,
  );
  out({ case: `${name} (next run)`, ok: after === 'ERR_SESSION_RELEASED', after });
}

// The addon's own calls: the getters run inside runTensors() / run().
init();
const native = (file) => binding().createSession(new URL(file, models).pathname, {}, 0, 4096);
/** Runs `call(session, release, mode)` inline and async, each on a session `release` releases once. */
async function direct(name, file, call, read) {
  for (const mode of [2, 1]) {
    const session = await native(file);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      session.release();
      globalThis.gc?.();
    };
    const label = `addon: ${name}, ${mode === 2 ? 'inline' : 'async'}`;
    try {
      out({ case: label, ok: true, result: read(await call(session, release, mode)), released });
    } catch (e) {
      out({ case: label, ...codeOf(e), released });
    }
  }
}

await direct(
  'string element getter',
  'identity_string.onnx',
  (s, release, mode) => {
    const data = ['a', 'b', 'c'];
    Object.defineProperty(data, 1, {
      get() {
        release();
        return 'b';
      },
    });
    const header = new Float64Array(64);
    header.set([1, 1, 0, 8, 2, 1, 3, 0, 0]); // 1 input, 1 output; input 0: string [1, 3]; output 0 not fetched
    return s.runTensors(header, [data], null, mode);
  },
  (r) => Array.from(Array.isArray(r[1]) ? r[1] : r[0]),
);

await direct(
  'dims getter in a sequence',
  'seq.onnx',
  (s, release, mode) => {
    const dims = [1, 3];
    Object.defineProperty(dims, 0, {
      get() {
        release();
        return 1;
      },
    });
    const encoded = [100, [1, new Float32Array([1, 2, 3]), [1, 3], 1, new Float32Array([4, 5, 6]), dims], 1];
    return s.run([0], encoded, [1], undefined, null, mode, 0);
  },
  (r) => Array.from(r[1]),
);

for (const [name, file] of [
  ['string element getter', 'identity_string.onnx'],
  ['dims getter in a sequence', 'seq.onnx'],
]) {
  // A fresh session released before the call: refused with a coded error, not crashed.
  const s = await native(file);
  await s.release();
  try {
    s.run([0], [], [0], undefined, null, 2, 0);
    out({ case: `addon: ${name}, after release`, ok: false, after: 'ran' });
  } catch (e) {
    out({ case: `addon: ${name}, after release`, ok: e?.code === 'ERR_SESSION_RELEASED', after: e?.code });
  }
}
