// Compatibility: a session's names and input/output metadata are deepStrictEqual to
// onnxruntime-node's, for tensors (symbolic and unnamed dimensions), sequences, maps and
// optionals; ortex's extra type detail is there as non-enumerable properties.
import { deepStrictEqual } from 'node:assert/strict';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { model } from '../helpers/index.mjs';
import { CONTENDERS, ort, ortex } from './contenders.mjs';

const MODELS = [
  'identity_float32.onnx',
  'identity_string.onnx',
  'identity_uint4.onnx',
  'shapes.onnx',
  'mlp_256_512_512_10.onnx',
  'seq.onnx',
  'seq_out.onnx',
  'zipmap.onnx',
  'zipmap_int64.onnx',
  'optional.onnx',
  'optional_out.onnx',
];
const KEYS = ['inputNames', 'outputNames', 'inputMetadata', 'outputMetadata'];
let checks = 0;

for (const file of MODELS) {
  test(`${file}: names and metadata deepStrictEqual onnxruntime-node's`, async () => {
    const [a, b] = await Promise.all(CONTENDERS.map((c) => c.lib.InferenceSession.create(model(file))));
    for (const k of KEYS) {
      deepStrictEqual(b[k], a[k], `${file} ${k}`);
      checks++;
    }
    // ortex's detail: read by name, never enumerated.
    for (const m of [...b.inputMetadata, ...b.outputMetadata]) {
      assert.type(m.kind, 'string');
      assert.equal(Object.keys(m), m.isTensor ? ['name', 'isTensor', 'type', 'shape'] : ['name', 'isTensor']);
      if (m.kind === 'sequence' || m.kind === 'optional') assert.type(m.element, 'object');
    }
    await Promise.all([a.release(), b.release()]);
  });
}

test('JSON of the metadata is the same too', async () => {
  const [a, b] = await Promise.all([ort, ortex].map((lib) => lib.InferenceSession.create(model('zipmap.onnx'))));
  assert.is(JSON.stringify(b.outputMetadata), JSON.stringify(a.outputMetadata));
  await Promise.all([a.release(), b.release()]);
});

test.after(() => console.log(`compat metadata: ${checks} deepStrictEqual checks, all passed`));
test.run();
