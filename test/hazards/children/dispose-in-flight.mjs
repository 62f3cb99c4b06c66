// tensor.dispose() of an output while an async run still uses its memory — as an input, or as
// the fetches target ORT writes into — then new outputs that may reuse the freed memory. Prints
// one JSON line per round: { scenario, round, ok, maxError?, otherChanged?, code?, message? }.
// argv[2]: 'input' or 'fetch'. Run with --expose-gc.
import { InferenceSession, Tensor } from '../../../dist/index.js';

const scenario = process.argv[2];
const models = new URL('../../models/', import.meta.url);
const ROWS = 768; // MLP rows; its input is 768 x 256 floats = 65536 rows of the identity's [N, 3]
const identity = await InferenceSession.create(new URL('identity_float32.onnx', models).pathname);
const mlp = await InferenceSession.create(new URL('mlp_256_512_512_10.onnx', models).pathname, { intraOpNumThreads: 1 });
const values = (seed, n) => new Float32Array(n).map((_, i) => Math.sin(seed + i * 0.37));
/** An ortex output (ORT memory behind an external buffer) holding `data`. */
const output = async (session, data) => (await session.run({ x: new Tensor('float32', data, [data.length / 3, 3]) }, { mode: 'inline' })).y;
const maxError = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const report = (round, fields) => console.log(JSON.stringify({ scenario, round, ...fields }));

for (let round = 0; round < 6; round++) {
  const x = values(round, ROWS * 256);
  const expected = Array.from((await mlp.run({ x: new Tensor('float32', x, [ROWS, 256]) }, { mode: 'inline' })).logits.data);
  try {
    if (scenario === 'input') {
      // The input is an output of another run: native memory, read in place by the async run.
      const y = await output(identity, x);
      const run = mlp.run({ x: y.reshape([ROWS, 256]) }, { mode: 'async' });
      y.dispose();
      // New outputs of the same size, at once: they take the freed memory if it was freed.
      const garbage = new Float32Array(ROWS * 256).fill(-2e29);
      const reuse = [];
      for (let i = 0; i < 4; i++) reuse.push(await output(identity, garbage));
      const out = await run;
      report(round, { ok: true, maxError: maxError(Array.from(out.logits.data), expected), disposed: y.disposed });
      for (const r of reuse) r.dispose();
    } else {
      // The fetches target is an output of another run; ORT writes the logits into it.
      const target = await output(identity, new Float32Array(ROWS * 10));
      const run = mlp.run({ x: new Tensor('float32', x, [ROWS, 256]) }, { logits: target.reshape([ROWS, 10]) }, { mode: 'async' });
      target.dispose();
      // An unrelated output of the same size (it may take the freed memory), already returned:
      // it must not change afterwards.
      const unrelated = await output(identity, new Float32Array(ROWS * 10).fill(3));
      const before = Array.from(unrelated.data);
      let settled;
      try {
        await run;
        settled = { ok: true };
      } catch (e) {
        settled = { ok: false, code: e?.code, message: e?.message };
      }
      const changed = Array.from(unrelated.data).some((v, i) => v !== before[i]);
      report(round, { ...settled, otherChanged: changed });
      unrelated.dispose();
    }
  } catch (e) {
    report(round, { ok: false, code: e?.code, message: e?.message });
  }
}
for (const s of [identity, mlp]) await s.release();
