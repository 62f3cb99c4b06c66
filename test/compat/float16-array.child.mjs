// Child of float16-array.test.mjs: a runtime with a Float16Array (the @petamoriken/float16
// polyfill installed as globalThis.Float16Array before either library loads; Node 20 has none
// built in). Prints one JSON line: what each library made of each float16 form, and ortex's run.
import { Float16Array } from '@petamoriken/float16';

globalThis.Float16Array = Float16Array;
const ort = await import('onnxruntime-node');
const ortex = await import('../../dist/index.js');

const describe = (t) => ({ type: t.type, dims: [...t.dims], f16: t.data instanceof Float16Array, values: Array.from(t.data) });
const forms = {
  numbers: (lib) => new lib.Tensor('float16', [1, 2.5, -3, 65504], [2, 2]),
  float16Array: (lib) => new lib.Tensor('float16', new Float16Array([1, 2.5, -3, 65504]), [2, 2]),
  inferred: (lib) => new lib.Tensor(new Float16Array([1, 2.5, -3, 65504]), [2, 2]),
  uint16Bits: (lib) => new lib.Tensor('float16', new Uint16Array([0x3c00, 0x4100, 0xc200, 0x7bff]), [2, 2]),
};
const out = { ort: {}, ortex: {} };
for (const [name, make] of Object.entries(forms)) {
  for (const [key, lib] of [
    ['ort', ort],
    ['ortex', ortex],
  ]) {
    try {
      out[key][name] = describe(make(lib));
    } catch (e) {
      out[key][name] = { error: `${e.name}: ${e.message}` };
    }
  }
}
const session = await ortex.InferenceSession.create(process.argv[2]);
const x = new Float16Array([0.5, 1, 1.5, 2, 2.5, 3]);
const { y } = await session.run({ x: new ortex.Tensor('float16', x, [2, 3]) });
out.run = describe(y);
await session.release();
console.log(JSON.stringify(out));
