#!/usr/bin/env node
// Verifies the generated test models with onnxruntime-node (the reference implementation):
// every model's session is created, its I/O names/types/shapes are as documented, and, where
// onnxruntime-node can carry the value types, a run gives the expected outputs.
// onnxruntime-node 1.30 cannot feed or return bfloat16, int4/uint4, sequence, optional or map values;
// for those models the check asserts the documented onnxruntime-node failure instead (so a future
// onnxruntime-node that gains support shows up here as a change to look at).
//
//   node tools/check-test-models.mjs          exit 1 on any failure

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import ort from 'onnxruntime-node';

import { generateModelFiles } from './build-test-models.mjs';
import { parseModel } from './onnx-builder.mjs';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const MODELS_DIR = join(REPO_ROOT, 'test', 'models');
/** @type {import('onnxruntime-node').InferenceSession.SessionOptions} */
const SESSION_OPTIONS = { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 4 };

/** @param {string} type @param {ArrayLike<any>} data @param {number[]} dims */
const tensorOf = (type, data, dims) => new ort.Tensor(/** @type {any} */ (type), /** @type {any} */ (data), dims);

/**
 * @typedef {object} ModelCase
 * @property {string} file relative to test/models
 * @property {Array<[string, string | null, Array<number|string>?]>} inputs name, tensor type (null: not a tensor), shape
 * @property {Array<[string, string | null, Array<number|string>?]>} outputs
 * @property {() => Record<string, any>} [feeds] omitted: session creation only
 * @property {(outputs: Record<string, any>) => void} [expect]
 * @property {RegExp} [sessionFailsInOrtNode] onnxruntime-node cannot create the session: its error
 * @property {RegExp} [runFailsInOrtNode] onnxruntime-node cannot run it: its error
 * @property {Array<{ why: string, feeds: () => Record<string, any>, error: RegExp }>} [failingRuns] ORT must reject these
 * @property {(model: import('./onnx-builder.mjs').ModelProto) => void} [expectProto]
 */

// ---------------------------------------------------------------------------------------------
// Identity models: two rows of three values per type, returned unchanged.

const IDENTITY_DATA = {
  float32: () => new Float32Array([1.5, -2, 0, 3.25, 1e-3, -1e6]),
  float64: () => new Float64Array([1.5, -2, 0, 3.25, 1e-300, -1e300]),
  float16: () => new Uint16Array([0x3c00, 0xc000, 0x0000, 0x7bff, 0x0001, 0x7c00]),
  bfloat16: () => new Uint16Array([0x3f80, 0xc000, 0x0000, 0x7f7f, 0x0001, 0x7f80]),
  int8: () => new Int8Array([-128, -1, 0, 1, 42, 127]),
  int16: () => new Int16Array([-32768, -1, 0, 1, 42, 32767]),
  int32: () => new Int32Array([-2147483648, -1, 0, 1, 42, 2147483647]),
  int64: () => new BigInt64Array([-(2n ** 63n), -1n, 0n, 1n, 2n ** 53n + 1n, 2n ** 63n - 1n]),
  uint8: () => new Uint8Array([0, 1, 42, 128, 200, 255]),
  uint16: () => new Uint16Array([0, 1, 42, 32768, 50000, 65535]),
  uint32: () => new Uint32Array([0, 1, 42, 2147483648, 3000000000, 4294967295]),
  uint64: () => new BigUint64Array([0n, 1n, 42n, 2n ** 63n, 2n ** 53n + 1n, 2n ** 64n - 1n]),
  bool: () => new Uint8Array([1, 0, 0, 1, 1, 0]),
  string: () => ['', 'a', 'héllo', 'ünïcödé ✓', 'tab\there', 'x'.repeat(100)],
  int4: () => new Uint8Array([0x21, 0x43, 0x8f]), // 1 2 3 4 -1 -8
  uint4: () => new Uint8Array([0x21, 0x43, 0xf0]), // 1 2 3 4 0 15
};

const IDENTITY_OPSET = { bfloat16: 13, int4: 21, uint4: 21 };

/** @returns {ModelCase[]} */
function identityCases() {
  return Object.entries(IDENTITY_DATA).map(([type, makeData]) => ({
    file: `identity_${type}.onnx`,
    inputs: [['x', type, ['N', 3]]],
    outputs: [['y', type, ['N', 3]]],
    feeds: () => ({ x: tensorOf(type, makeData(), [2, 3]) }),
    expect: (outputs) => {
      assert.deepEqual(outputs.y.dims, [2, 3]);
      assert.deepEqual(Array.from(/** @type {any} */ (outputs.y.data)), Array.from(/** @type {any} */ (makeData())));
    },
    ...(type === 'bfloat16' && { sessionFailsInOrtNode: /Unsupported data type: 16/ }),
    ...((type === 'int4' || type === 'uint4') && { runFailsInOrtNode: new RegExp(`Tensor.type is not supported: ${type}`) }),
    expectProto: (model) => {
      const opset = IDENTITY_OPSET[type] ?? 7;
      assert.equal(Number(model.opsetImport[0].version), opset);
      assert.equal(Number(model.irVersion), opset === 21 ? 10 : opset === 13 ? 7 : 3);
    },
  }));
}

// ---------------------------------------------------------------------------------------------
// Dense models: outputs recomputed in JS from the model's own initializers.

/** @param {import('./onnx-builder.mjs').ModelProto} model @returns {Map<string, { dims: number[], values: Float32Array }>} */
function float32Initializers(model) {
  const byName = new Map();
  for (const t of model.graph.initializer) {
    const raw = t.rawData;
    const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    byName.set(t.name, { dims: t.dims.map(Number), values });
  }
  return byName;
}

/**
 * rows·W + b per layer, ReLU between layers; softmax at the end if asked.
 * @param {string} file @param {Float32Array} input @param {number} rows @param {boolean} softmax
 */
function referenceDense(file, input, rows, softmax) {
  const weights = float32Initializers(parseModel(readFileSync(join(MODELS_DIR, file))));
  let activations = Float64Array.from(input);
  for (let layer = 1; weights.has(`fc${layer}.weight`); layer++) {
    const {
      dims: [fanIn, fanOut],
      values: w,
    } = weights.get(`fc${layer}.weight`);
    const bias = weights.get(`fc${layer}.bias`).values;
    const next = new Float64Array(rows * fanOut);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < fanOut; o++) {
        let sum = bias[o];
        for (let i = 0; i < fanIn; i++) sum += activations[r * fanIn + i] * w[i * fanOut + o];
        next[r * fanOut + o] = sum;
      }
    }
    if (weights.has(`fc${layer + 1}.weight`)) for (let k = 0; k < next.length; k++) next[k] = Math.max(0, next[k]);
    activations = next;
  }
  if (softmax) {
    const width = activations.length / rows;
    for (let r = 0; r < rows; r++) {
      const row = activations.subarray(r * width, (r + 1) * width);
      const max = Math.max(...row);
      let total = 0;
      for (let k = 0; k < width; k++) total += row[k] = Math.exp(row[k] - max);
      for (let k = 0; k < width; k++) row[k] /= total;
    }
  }
  return activations;
}

/** @param {ArrayLike<number>} actual @param {ArrayLike<number>} expected @param {number} tolerance */
function assertClose(actual, expected, tolerance) {
  assert.equal(actual.length, expected.length, 'length');
  for (let k = 0; k < expected.length; k++) {
    if (!(Math.abs(actual[k] - expected[k]) <= tolerance)) assert.fail(`[${k}]: ${actual[k]} vs ${expected[k]}`);
  }
}

/** @param {number} count @param {number} seed deterministic inputs in [-1, 1) */
function inputRamp(count, seed) {
  return Float32Array.from({ length: count }, (_, k) => Math.sin(k * 12.9898 + seed) * 0.999);
}

// ---------------------------------------------------------------------------------------------
// All models

/** @returns {ModelCase[]} */
function modelCases() {
  const reluInput = inputRamp(60, 1);
  const mlpInput = inputRamp(2 * 256, 2);
  const demoInput = new Float32Array([5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3]);
  return [
    ...identityCases(),
    {
      file: 'relu.onnx',
      inputs: [['x', 'float32', [3, 4, 5]]],
      outputs: [['y', 'float32', [3, 4, 5]]],
      feeds: () => ({ x: tensorOf('float32', reluInput, [3, 4, 5]) }),
      expect: ({ y }) =>
        assert.deepEqual(
          Array.from(y.data),
          Array.from(reluInput, (v) => Math.max(0, v)),
        ),
    },
    {
      file: 'mlp_256_512_512_10.onnx',
      inputs: [['x', 'float32', ['batch', 256]]],
      outputs: [['logits', 'float32', ['batch', 10]]],
      feeds: () => ({ x: tensorOf('float32', mlpInput, [2, 256]) }),
      expect: ({ logits }) => {
        assert.deepEqual(logits.dims, [2, 10]);
        assertClose(logits.data, referenceDense('mlp_256_512_512_10.onnx', mlpInput, 2, false), 1e-4);
      },
    },
    {
      file: 'demo.onnx',
      inputs: [['features', 'float32', ['batch', 4]]],
      outputs: [['probabilities', 'float32', ['batch', 3]]],
      feeds: () => ({ features: tensorOf('float32', demoInput, [2, 4]) }),
      expect: ({ probabilities }) => {
        assertClose(probabilities.data, referenceDense('demo.onnx', demoInput, 2, true), 1e-5);
      },
      expectProto: (model) => {
        assert.equal(model.producerName, 'ortex-builder');
        const metadata = Object.fromEntries(model.metadataProps.map(({ key, value }) => [key, value]));
        assert.equal(metadata.author, 'ortex');
        assert.ok(metadata.description);
        assert.deepEqual(readFileSync(join(REPO_ROOT, 'models', 'demo.onnx')), readFileSync(join(MODELS_DIR, 'demo.onnx')));
      },
    },
    {
      file: 'shapes.onnx',
      inputs: [
        ['a', 'float32', [2, 'W']],
        ['b', 'int64', [3]],
      ],
      outputs: [
        ['a_doubled', 'float32', [2, 'W']],
        ['b_plus_one', 'int64', [3]],
      ],
      feeds: () => ({ a: tensorOf('float32', [1, 2, 3, 4, 5, 6, 7, 8], [2, 4]), b: tensorOf('int64', [1n, -2n, 9n], [3]) }),
      expect: ({ a_doubled, b_plus_one }) => {
        assert.deepEqual(a_doubled.dims, [2, 4]);
        assert.deepEqual(Array.from(a_doubled.data), [2, 4, 6, 8, 10, 12, 14, 16]);
        assert.deepEqual(Array.from(b_plus_one.data), [2n, -1n, 10n]);
      },
      failingRuns: [
        {
          why: 'wrong rank',
          error: /Invalid rank for input: a/,
          feeds: () => ({ a: tensorOf('float32', [1, 2], [2]), b: tensorOf('int64', [1n, 2n, 3n], [3]) }),
        },
        {
          why: 'wrong static dim',
          error: /Got invalid dimensions for input: a/,
          feeds: () => ({ a: tensorOf('float32', [1, 2, 3], [3, 1]), b: tensorOf('int64', [1n, 2n, 3n], [3]) }),
        },
        {
          why: 'wrong element type',
          error: /Unexpected input data type/,
          feeds: () => ({ a: tensorOf('float32', [1, 2], [2, 1]), b: tensorOf('int32', [1, 2, 3], [3]) }),
        },
        { why: 'missing input', error: /input 'b' is missing in 'feeds'/, feeds: () => ({ a: tensorOf('float32', [1, 2], [2, 1]) }) },
      ],
    },
    {
      file: 'seq.onnx',
      inputs: [['s', null]],
      outputs: [
        ['n', 'int64', []],
        ['cat', 'float32', ['', 3]],
      ],
    },
    {
      file: 'seq_out.onnx',
      inputs: [['x', 'float32', ['N', 3]]],
      outputs: [['parts', null]],
      feeds: () => ({ x: tensorOf('float32', [1, 2, 3, 4, 5, 6], [2, 3]) }),
      runFailsInOrtNode: /./,
    },
    {
      file: 'optional.onnx',
      inputs: [['o', null]],
      outputs: [['has', 'bool', []]],
      // onnxruntime-node does feed a plain tensor to an optional input.
      feeds: () => ({ o: tensorOf('float32', [1, 2], [2]) }),
      expect: ({ has }) => assert.deepEqual(Array.from(has.data), [1]),
    },
    {
      file: 'optional_out.onnx',
      inputs: [['x', 'float32', ['N']]],
      outputs: [
        ['some', null],
        ['none', null],
      ],
      // No run: onnxruntime-node 1.30 segfaults on the empty optional output 'none' (ORT's C API
      // GetValueType on an OrtValue with HasValue == 0 crashes), so only the session is checked.
    },
    {
      file: 'zipmap.onnx',
      inputs: [['probabilities', 'float32', ['N', 3]]],
      outputs: [['output_probability', null]],
      feeds: () => ({ probabilities: tensorOf('float32', [0.1, 0.2, 0.7, 0.5, 0.25, 0.25], [2, 3]) }),
      runFailsInOrtNode: /./,
    },
    {
      file: 'zipmap_int64.onnx',
      inputs: [['probabilities', 'float32', ['N', 3]]],
      outputs: [['output_probability', null]],
      feeds: () => ({ probabilities: tensorOf('float32', [0.1, 0.2, 0.7, 0.5, 0.25, 0.25], [2, 3]) }),
      runFailsInOrtNode: /./,
    },
    {
      file: 'bad_runtime.onnx',
      inputs: [
        ['data', 'float32', ['N', 3]],
        ['indices', 'int64', ['K']],
      ],
      outputs: [['gathered', 'float32', ['K', 3]]],
      feeds: () => ({ data: tensorOf('float32', [1, 2, 3, 4, 5, 6], [2, 3]), indices: tensorOf('int64', [1n, -2n], [2]) }),
      expect: ({ gathered }) => assert.deepEqual(Array.from(gathered.data), [4, 5, 6, 1, 2, 3]),
      failingRuns: [
        {
          why: 'index out of range',
          error: /indices element out of data bounds/,
          feeds: () => ({ data: tensorOf('float32', [1, 2, 3, 4, 5, 6], [2, 3]), indices: tensorOf('int64', [0n, 5n], [2]) }),
        },
      ],
    },
    {
      file: 'external/model.onnx',
      inputs: [['x', 'float32', ['N', 4]]],
      outputs: [['y', 'float32', ['N', 2]]],
      feeds: () => ({ x: tensorOf('float32', [1, 2, 3, 4, 10, 20, 30, 40], [2, 4]) }),
      expect: ({ y }) => assert.deepEqual(Array.from(y.data), [4.5, 5.5, 40.5, 59.5]),
      expectProto: (model) => {
        for (const t of model.graph.initializer) {
          assert.equal(t.dataLocation, 1, `${t.name} is external`);
          assert.equal(t.externalData.find((e) => e.key === 'location').value, 'weights.bin');
        }
      },
    },
    {
      file: 'bf16_model.onnx',
      inputs: [['x', 'float32', ['N']]],
      outputs: [['y', 'float32', ['N']]],
      // 1 + 2^-8 is halfway between two bfloat16 values: rounds to even (1); 1 + 3·2^-8 rounds up.
      feeds: () => ({ x: tensorOf('float32', [1, 1 + 2 ** -8, 1 + 3 * 2 ** -8, -Math.PI], [4]) }),
      expect: ({ y }) => assert.deepEqual(Array.from(y.data), [1, 1, 1 + 2 ** -6, -3.140625]),
    },
  ];
}

/** @param {Record<string, any>} metadata onnxruntime-node's inputMetadata/outputMetadata entry */
function describeMetadata(metadata) {
  return metadata.isTensor ? [metadata.name, metadata.type, metadata.shape] : [metadata.name, null];
}

/** @param {ModelCase} modelCase @returns {Promise<string>} a one-line result */
async function checkModel(modelCase) {
  const path = join(MODELS_DIR, modelCase.file);
  modelCase.expectProto?.(parseModel(readFileSync(path)));

  let session;
  try {
    session = await ort.InferenceSession.create(path, SESSION_OPTIONS);
  } catch (error) {
    if (modelCase.sessionFailsInOrtNode?.test(error.message)) return `session: onnxruntime-node limitation: ${error.message}`;
    throw error;
  }
  assert.ok(!modelCase.sessionFailsInOrtNode, 'onnxruntime-node now creates this session: update the check');
  try {
    const shape = (io) => io.map(([name, type, dims]) => (type === null ? [name, null] : [name, type, dims]));
    assert.deepEqual(session.inputMetadata.map(describeMetadata), shape(modelCase.inputs));
    assert.deepEqual(session.outputMetadata.map(describeMetadata), shape(modelCase.outputs));
    if (!modelCase.feeds) return 'session ok (not run: onnxruntime-node cannot carry its values)';

    const notes = [];
    try {
      const outputs = await session.run(modelCase.feeds());
      assert.ok(!modelCase.runFailsInOrtNode, 'onnxruntime-node now runs this model: update the check');
      modelCase.expect?.(outputs);
      notes.push('run ok');
    } catch (error) {
      if (!modelCase.runFailsInOrtNode?.test(error.message)) throw error;
      notes.push(`session ok; run: onnxruntime-node limitation: ${error.message}`);
    }
    for (const { why, feeds, error } of modelCase.failingRuns ?? []) {
      await assert.rejects(session.run(feeds()), error, why);
      notes.push(`${why} rejected`);
    }
    return notes.join('; ');
  } finally {
    await session.release();
  }
}

async function main() {
  const stale = [...generateModelFiles()].filter(([path, bytes]) => {
    try {
      return !Buffer.from(bytes).equals(readFileSync(path));
    } catch {
      return true;
    }
  });
  if (stale.length) {
    console.error(`stale or missing (run node tools/build-test-models.mjs): ${stale.map(([p]) => p).join(', ')}`);
    process.exit(1);
  }
  let failures = 0;
  for (const modelCase of modelCases()) {
    try {
      console.log(`ok   ${modelCase.file}: ${await checkModel(modelCase)}`);
    } catch (error) {
      failures++;
      console.log(`FAIL ${modelCase.file}: ${error.message}`);
    }
  }
  console.log(failures ? `${failures} model(s) failed` : `all models ok (onnxruntime-node ${ort.env.versions.node})`);
  process.exit(failures ? 1 : 0);
}

main();
