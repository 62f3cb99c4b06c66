// Hazard (issue 10): freeDimensionOverrides names that match no dimension were ignored (ONNX
// Runtime skips them), so a typo left the dimension free without a word. Now create() refuses
// them with ERR_INVALID_ARGUMENT listing the model's symbolic input dimensions, for a model given
// by path or as bytes, and the same for overrides by denotation (which now apply at all).
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession } from '../../dist/index.js';
import { buildModel, node, tensorValueInfo } from '../../tools/onnx-builder.mjs';
import { REAL, model, rejects } from '../helpers/index.mjs';

test('a name no input has: refused, by path and by bytes; a real name still applies', async () => {
  const path = model('demo.onnx');
  for (const source of [path, readFileSync(path)]) {
    await rejects(
      InferenceSession.create(source, { freeDimensionOverrides: { btach: 1 } }),
      'ERR_INVALID_ARGUMENT',
      "expected names of the model's symbolic input dimensions ('batch') for freeDimensionOverrides, received 'btach', which no input has",
    );
  }
  const s = await InferenceSession.create(path, { freeDimensionOverrides: { batch: 2 } });
  assert.equal(s.inputMetadata[0].shape, [2, 4]);
  await s.release();
});

test('a model without symbolic input dimensions says so', async () => {
  await rejects(
    InferenceSession.create(model('relu.onnx'), { freeDimensionOverrides: { N: 1 } }),
    'ERR_INVALID_ARGUMENT',
    /symbolic input dimensions \(none\) for freeDimensionOverrides, received 'N'/,
  );
});

test('a real model with large weights (PP-OCRv4 rec, read in windows): its p2o names are accepted, others refused', async () => {
  await rejects(
    InferenceSession.create(REAL.rec, { freeDimensionOverrides: { W: 320 } }),
    'ERR_INVALID_ARGUMENT',
    /\('p2o\.DynamicDimension\.0', 'p2o\.DynamicDimension\.1'\) for freeDimensionOverrides, received 'W'/,
  );
  const s = await InferenceSession.create(REAL.rec, { freeDimensionOverrides: { 'p2o.DynamicDimension.1': 320 }, logSeverityLevel: 3 });
  assert.equal(s.inputMetadata[0].shape.slice(2), [48, 320]);
  await s.release();
});

test('overrides by denotation: a denotation no input dimension carries is refused', async () => {
  const x = tensorValueInfo('x', 'float32', ['N', 3]);
  x.type.tensorType.shape.dim[0].denotation = 'DATA_BATCH';
  const bytes = buildModel({
    opsetImports: { '': 17 },
    graph: { name: 'denoted', inputs: [x], outputs: [tensorValueInfo('y', 'float32', ['N', 3])], nodes: [node('Relu', ['x'], ['y'])] },
  });
  await rejects(
    InferenceSession.create(bytes, { freeDimensionOverridesByDenotation: { DATA_CHANNEL: 3 } }),
    'ERR_INVALID_ARGUMENT',
    "expected denotations of the model's input dimensions ('data_batch') for freeDimensionOverridesByDenotation, received 'DATA_CHANNEL', which no input has",
  );
  // ORT compares denotations case-insensitively; so does the check. (The override is applied: the
  // C++ wrapper ortex used to call registered it by name instead.)
  for (const denotation of ['DATA_BATCH', 'data_batch']) {
    const s = await InferenceSession.create(bytes, { freeDimensionOverridesByDenotation: { [denotation]: 4 } });
    assert.equal(s.inputMetadata[0].shape, [4, 3]);
    await s.release();
  }
});

test.run();
