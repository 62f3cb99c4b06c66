// Compatibility: every Tensor constructor form onnxruntime-common accepts gives the same tensor
// on ortex (type, dims, size, values), and keeps the caller's TypedArray as `data` where
// onnxruntime-common does (zero copy). Run side by side on onnxruntime-node and ortex.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CONTENDERS, check, ort, ortex, summary } from './contenders.mjs';

const NUMERIC = [
  ['int8', Int8Array],
  ['uint8', Uint8Array],
  ['int16', Int16Array],
  ['uint16', Uint16Array],
  ['int32', Int32Array],
  ['uint32', Uint32Array],
  ['float32', Float32Array],
  ['float64', Float64Array],
];
const BIG = [
  ['int64', BigInt64Array],
  ['uint64', BigUint64Array],
];

/** [description, make(lib) -> tensor, same-object data expected (the TypedArray passed in) or undefined]. */
const FORMS = [];
for (const [type, Ctor] of [...NUMERIC, ...BIG]) {
  const data = BIG.some(([t]) => t === type) ? new Ctor([1n, 2n, 3n, 4n]) : new Ctor([1, 2, 3, 4]);
  FORMS.push([`new Tensor('${type}', ${Ctor.name}, [2, 2])`, (lib) => new lib.Tensor(type, data, [2, 2]), data]);
  FORMS.push([`new Tensor(${Ctor.name}, [2, 2]) infers ${type}`, (lib) => new lib.Tensor(data, [2, 2]), data]);
  FORMS.push([`new Tensor(${Ctor.name}) has dims [4]`, (lib) => new lib.Tensor(data), data]);
}
for (const [type] of NUMERIC) FORMS.push([`new Tensor('${type}', numbers, [2, 2])`, (lib) => new lib.Tensor(type, [1, 2, 3, 4], [2, 2])]);
for (const [type] of BIG) {
  FORMS.push([`new Tensor('${type}', numbers)`, (lib) => new lib.Tensor(type, [1, 2, 3, 4], [2, 2])]);
  FORMS.push([`new Tensor('${type}', bigints)`, (lib) => new lib.Tensor(type, [1n, 2n, 3n, 4n], [2, 2])]);
}
const bits = new Uint16Array([15360, 16384, 16896, 17408]); // 1, 2, 3, 4 as float16
FORMS.push(["new Tensor('float16', Uint16Array bits)", (lib) => new lib.Tensor('float16', bits, [2, 2]), bits]);
const strings = ['a', 'b', 'c', 'd'];
FORMS.push(["new Tensor('string', strings, [2, 2])", (lib) => new lib.Tensor('string', strings, [2, 2]), strings]);
FORMS.push(['new Tensor(strings) infers string', (lib) => new lib.Tensor(strings, [2, 2]), strings]);
FORMS.push(["new Tensor('bool', booleans)", (lib) => new lib.Tensor('bool', [true, false, true, false], [2, 2])]);
FORMS.push(['new Tensor(booleans) infers bool', (lib) => new lib.Tensor([true, false, true, false], [2, 2])]);
const u8 = new Uint8Array([1, 0, 1, 0]);
FORMS.push(["new Tensor('bool', Uint8Array)", (lib) => new lib.Tensor('bool', u8, [2, 2]), u8]);
const packed = new Uint8Array([0x21, 0x43]);
FORMS.push(["new Tensor('uint4', packed Uint8Array, [4])", (lib) => new lib.Tensor('uint4', packed, [4]), packed]);
const pixels = new Uint8ClampedArray([0, 128, 255, 7]);
FORMS.push(['new Tensor(Uint8ClampedArray) infers uint8 (canvas ImageData)', (lib) => new lib.Tensor(pixels, [2, 2])]);
FORMS.push(["new Tensor('uint8', Uint8ClampedArray)", (lib) => new lib.Tensor('uint8', pixels, [2, 2])]);
FORMS.push(['new Tensor(Float32Array, []) is a scalar', (lib) => new lib.Tensor(new Float32Array([5]), [])]);
FORMS.push(['new Tensor(Float32Array(0), [0, 3]) is empty', (lib) => new lib.Tensor(new Float32Array(0), [0, 3])]);

const plain = (t) => ({ type: t.type, dims: [...t.dims], size: t.size, location: t.location, data: Array.from(t.data) });

for (const [what, make, same] of FORMS) {
  for (const c of CONTENDERS) {
    test(`${c.name}: ${what}`, async () => {
      const { value: t } = await check(c, what, 'ok', make);
      if (same !== undefined) assert.ok(t.data === same, 'tensor.data is the array passed in (no copy)');
      // The same tensor as onnxruntime-common makes.
      assert.equal(plain(t), plain(make(ort)));
    });
  }
}

test('ortex: a Uint8ClampedArray is viewed, not copied; reshape() shares the data', () => {
  const px = new Uint8ClampedArray([1, 2, 3, 4]);
  const t = new ortex.Tensor(px, [2, 2]);
  assert.instance(t.data, Uint8Array);
  assert.is(t.data.buffer, px.buffer);
  const r = t.reshape([4]);
  assert.equal(r.dims, [4]);
  assert.is(r.data.buffer, px.buffer);
  assert.equal([r.type, r.size], ['uint8', 4]);
  // onnxruntime-common also has reshape() for CPU tensors, with the same result.
  assert.equal(plain(new ort.Tensor(px, [2, 2]).reshape([4])), plain(r));
});

test('ortex: dispose() and Symbol.dispose free a tensor; getData() resolves to its data', async () => {
  const t = new ortex.Tensor('float32', [1, 2], [2]);
  assert.equal(Array.from(await t.getData()), [1, 2]);
  t[Symbol.dispose]();
  assert.ok(t.disposed);
});

test.after(() => summary('tensor-forms'));
test.run();
