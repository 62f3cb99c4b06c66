#!/usr/bin/env node
// Writes the project's generated ONNX test models into test/models/ (and the shipped demo model into
// models/demo.onnx). Deterministic: same bytes every run; files whose bytes are unchanged are not rewritten.
//
//   node tools/build-test-models.mjs            write/refresh the models
//   node tools/build-test-models.mjs --check    exit 1 if any file is missing or stale (writes nothing)
//
// test/models/README.md describes each model.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  ELEMENT_TYPE_BY_NAME,
  ElementType,
  ExternalDataFile,
  buildModel,
  mapType,
  node,
  optionalType,
  sequenceType,
  tensor,
  tensorType,
  tensorValueInfo,
  valueInfo,
} from './onnx-builder.mjs';
import { createSeededRandom, uniformFloat32Array } from './seeded-random.mjs';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TEST_MODELS_DIR = join(REPO_ROOT, 'test', 'models');
const SHIPPED_MODELS_DIR = join(REPO_ROOT, 'models');

/**
 * Opset of each identity model: the lowest in which Identity accepts the type (Identity-1 takes every
 * tensor type of the time, Identity-13 adds bfloat16, Identity-21 adds int4/uint4), raised to 7 because
 * ONNX Runtime only guarantees opset 7+ (below it, every load logs a warning and skips the transpose optimizer).
 */
export const IDENTITY_OPSET_BY_TYPE = Object.freeze({
  float32: 7,
  float64: 7,
  float16: 7,
  bfloat16: 13,
  int8: 7,
  int16: 7,
  int32: 7,
  int64: 7,
  uint8: 7,
  uint16: 7,
  uint32: 7,
  uint64: 7,
  bool: 7,
  string: 7,
  int4: 21,
  uint4: 21,
});

/** ONNX Runtime 1.30's CPU provider has no Identity (nor Reshape/Flatten) kernel for 4-bit types, but it
 *  has Cast-21 for them: a Cast to the same type is the identity. */
const FOUR_BIT_TYPE_NAMES = new Set(['int4', 'uint4']);

/** @param {keyof typeof ELEMENT_TYPE_BY_NAME} typeName */
function identityModel(typeName) {
  const identityNode = FOUR_BIT_TYPE_NAMES.has(typeName)
    ? node('Cast', ['x'], ['y'], { to: ELEMENT_TYPE_BY_NAME[typeName] })
    : node('Identity', ['x'], ['y']);
  return buildModel({
    opsetImports: { '': IDENTITY_OPSET_BY_TYPE[typeName] },
    graph: {
      name: `identity_${typeName}`,
      inputs: [tensorValueInfo('x', typeName, ['N', 3])],
      outputs: [tensorValueInfo('y', typeName, ['N', 3])],
      nodes: [identityNode],
    },
  });
}

/** Like ONNX's backend test test_relu. */
function reluModel() {
  return buildModel({
    opsetImports: { '': 14 },
    graph: {
      name: 'relu',
      inputs: [tensorValueInfo('x', 'float32', [3, 4, 5])],
      outputs: [tensorValueInfo('y', 'float32', [3, 4, 5])],
      nodes: [node('Relu', ['x'], ['y'])],
    },
  });
}

/**
 * Dense layers x·W + b (W is [fanIn, fanOut]), ReLU between layers, seeded weights in ±1/sqrt(fanIn).
 * @param {{ input: string, output: string, widths: number[], seed: number, finalOp?: string }} spec
 */
function denseStack({ input, output, widths, seed, finalOp }) {
  const nextUniform = createSeededRandom(seed);
  const nodes = [];
  const initializers = [];
  let current = input;
  const layerCount = widths.length - 1;
  for (let layer = 1; layer <= layerCount; layer++) {
    const fanIn = widths[layer - 1];
    const fanOut = widths[layer];
    const scale = 1 / Math.sqrt(fanIn);
    const isLast = layer === layerCount;
    initializers.push(
      tensor(`fc${layer}.weight`, 'float32', [fanIn, fanOut], uniformFloat32Array(nextUniform, fanIn * fanOut, scale)),
      tensor(`fc${layer}.bias`, 'float32', [fanOut], uniformFloat32Array(nextUniform, fanOut, scale)),
    );
    const product = `fc${layer}.matmul`;
    const sum = isLast && !finalOp ? output : `fc${layer}.add`;
    nodes.push(
      node('MatMul', [current, `fc${layer}.weight`], [product], {}, { name: `fc${layer}/MatMul` }),
      node('Add', [product, `fc${layer}.bias`], [sum], {}, { name: `fc${layer}/Add` }),
    );
    current = sum;
    if (!isLast) {
      nodes.push(node('Relu', [sum], [`fc${layer}.relu`], {}, { name: `fc${layer}/Relu` }));
      current = `fc${layer}.relu`;
    }
  }
  if (finalOp) nodes.push(node(finalOp, [current], [output], { axis: -1 }, { name: finalOp }));
  return { nodes, initializers };
}

function mlpModel() {
  const { nodes, initializers } = denseStack({ input: 'x', output: 'logits', widths: [256, 512, 512, 10], seed: 0x5eed0001 });
  return buildModel({
    opsetImports: { '': 17 },
    graph: {
      name: 'mlp_256_512_512_10',
      inputs: [tensorValueInfo('x', 'float32', ['batch', 256])],
      outputs: [tensorValueInfo('logits', 'float32', ['batch', 10])],
      nodes,
      initializers,
    },
  });
}

function demoModel() {
  const { nodes, initializers } = denseStack({
    input: 'features',
    output: 'probabilities',
    widths: [4, 8, 3],
    seed: 0x5eed0002,
    finalOp: 'Softmax',
  });
  return buildModel({
    opsetImports: { '': 17 },
    producerVersion: '0.1.0',
    modelVersion: 1,
    docString: 'A tiny 4→8→3 classifier with random weights: try `npx ortex info models/demo.onnx`.',
    metadataProps: {
      description: 'Demo classifier: 4 features in, 3 class probabilities out (random weights, for trying ortex).',
      author: 'ortex',
      license: 'MIT',
    },
    graph: {
      name: 'demo_classifier',
      docString: 'features → Dense(8) → ReLU → Dense(3) → Softmax',
      inputs: [valueInfo('features', tensorType('float32', ['batch', 4]), 'Four input features per row')],
      outputs: [valueInfo('probabilities', tensorType('float32', ['batch', 3]), 'Class probabilities; each row sums to 1')],
      nodes,
      initializers,
    },
  });
}

function shapesModel() {
  return buildModel({
    opsetImports: { '': 17 },
    graph: {
      name: 'shapes',
      inputs: [tensorValueInfo('a', 'float32', [2, 'W']), tensorValueInfo('b', 'int64', [3])],
      outputs: [tensorValueInfo('a_doubled', 'float32', [2, 'W']), tensorValueInfo('b_plus_one', 'int64', [3])],
      initializers: [tensor('one', 'int64', [], new BigInt64Array([1n]))],
      nodes: [node('Add', ['a', 'a'], ['a_doubled']), node('Add', ['b', 'one'], ['b_plus_one'])],
    },
  });
}

function sequenceInModel() {
  return buildModel({
    opsetImports: { '': 17 },
    graph: {
      name: 'seq',
      inputs: [valueInfo('s', sequenceType(tensorType('float32', [null, 3])))],
      outputs: [tensorValueInfo('n', 'int64', []), tensorValueInfo('cat', 'float32', [null, 3])],
      nodes: [node('SequenceLength', ['s'], ['n']), node('ConcatFromSequence', ['s'], ['cat'], { axis: 0 })],
    },
  });
}

function sequenceOutModel() {
  return buildModel({
    opsetImports: { '': 17 },
    graph: {
      name: 'seq_out',
      inputs: [tensorValueInfo('x', 'float32', ['N', 3])],
      outputs: [valueInfo('parts', sequenceType(tensorType('float32', [1, 3])))],
      nodes: [node('SplitToSequence', ['x'], ['parts'], { axis: 0 })],
    },
  });
}

function optionalInModel() {
  return buildModel({
    opsetImports: { '': 18 },
    graph: {
      name: 'optional',
      inputs: [valueInfo('o', optionalType(tensorType('float32', [null])))],
      outputs: [tensorValueInfo('has', 'bool', [])],
      nodes: [node('OptionalHasElement', ['o'], ['has'])],
    },
  });
}

function optionalOutModel() {
  return buildModel({
    opsetImports: { '': 18 },
    graph: {
      name: 'optional_out',
      inputs: [tensorValueInfo('x', 'float32', ['N'])],
      outputs: [
        valueInfo('some', optionalType(tensorType('float32', ['N']))),
        valueInfo('none', optionalType(tensorType('float32', [null]))),
      ],
      nodes: [node('Optional', ['x'], ['some']), node('Optional', [], ['none'], { type: tensorType('float32') })],
    },
  });
}

/** @param {'string' | 'int64'} labelType */
function zipMapModel(labelType) {
  const labels = labelType === 'string' ? { classlabels_strings: ['cat', 'dog', 'bird'] } : { classlabels_int64s: [10, 20, 30] };
  return buildModel({
    opsetImports: { '': 17, 'ai.onnx.ml': 3 },
    graph: {
      name: `zipmap_${labelType}`,
      inputs: [tensorValueInfo('probabilities', 'float32', ['N', 3])],
      outputs: [valueInfo('output_probability', sequenceType(mapType(labelType, tensorType('float32'))))],
      nodes: [node('ZipMap', ['probabilities'], ['output_probability'], labels, { domain: 'ai.onnx.ml' })],
    },
  });
}

/** Loads fine; run fails when an index is outside [-N, N). */
function badRuntimeModel() {
  return buildModel({
    opsetImports: { '': 13 },
    graph: {
      name: 'bad_runtime',
      inputs: [tensorValueInfo('data', 'float32', ['N', 3]), tensorValueInfo('indices', 'int64', ['K'])],
      outputs: [tensorValueInfo('gathered', 'float32', ['K', 3])],
      nodes: [node('Gather', ['data', 'indices'], ['gathered'], { axis: 0 })],
    },
  });
}

/**
 * Batching with a runtime failure: row i picks data[i, index[i]] (GatherElements axis 1). Every input
 * and output has the batch dim N, so requests merge; an index outside [-4, 4) in any row fails the run.
 */
function rowGatherModel() {
  return buildModel({
    opsetImports: { '': 13 },
    graph: {
      name: 'row_gather',
      inputs: [tensorValueInfo('data', 'float32', ['N', 4]), tensorValueInfo('index', 'int64', ['N', 1])],
      outputs: [tensorValueInfo('picked', 'float32', ['N', 1])],
      nodes: [node('GatherElements', ['data', 'index'], ['picked'], { axis: 1 })],
    },
  });
}

/** y = x·W + b with W and b in weights.bin next to the model. */
function externalDataModel() {
  const weightsFile = new ExternalDataFile('weights.bin');
  const weight = weightsFile.tensor('weight', 'float32', [4, 2], new Float32Array([1, 0, 0, 1, 1, 0, 0, 1]));
  const bias = weightsFile.tensor('bias', 'float32', [2], new Float32Array([0.5, -0.5]));
  const modelBytes = buildModel({
    opsetImports: { '': 17 },
    graph: {
      name: 'external_data',
      inputs: [tensorValueInfo('x', 'float32', ['N', 4])],
      outputs: [tensorValueInfo('y', 'float32', ['N', 2])],
      initializers: [weight, bias],
      nodes: [node('MatMul', ['x', 'weight'], ['xw']), node('Add', ['xw', 'bias'], ['y'])],
    },
  });
  return { modelBytes, weightsBytes: weightsFile.bytes() };
}

/** float32 in and out, bfloat16 in the middle: y = float(bfloat16(x)). */
function bfloat16MiddleModel() {
  return buildModel({
    opsetImports: { '': 17 },
    graph: {
      name: 'bf16_model',
      inputs: [tensorValueInfo('x', 'float32', ['N'])],
      outputs: [tensorValueInfo('y', 'float32', ['N'])],
      valueInfos: [tensorValueInfo('x_bf16', 'bfloat16', ['N'])],
      nodes: [node('Cast', ['x'], ['x_bf16'], { to: ElementType.BFLOAT16 }), node('Cast', ['x_bf16'], ['y'], { to: ElementType.FLOAT })],
    },
  });
}

/** @returns {Map<string, Uint8Array>} absolute path → bytes, for every generated file */
export function generateModelFiles() {
  /** @type {Map<string, Uint8Array>} */
  const files = new Map();
  const addTestModel = (name, bytes) => files.set(join(TEST_MODELS_DIR, name), bytes);

  for (const typeName of /** @type {Array<keyof typeof ELEMENT_TYPE_BY_NAME>} */ (Object.keys(IDENTITY_OPSET_BY_TYPE)))
    addTestModel(`identity_${typeName}.onnx`, identityModel(typeName));
  addTestModel('relu.onnx', reluModel());
  addTestModel('mlp_256_512_512_10.onnx', mlpModel());
  const demo = demoModel();
  addTestModel('demo.onnx', demo);
  files.set(join(SHIPPED_MODELS_DIR, 'demo.onnx'), demo);
  addTestModel('shapes.onnx', shapesModel());
  addTestModel('seq.onnx', sequenceInModel());
  addTestModel('seq_out.onnx', sequenceOutModel());
  addTestModel('optional.onnx', optionalInModel());
  addTestModel('optional_out.onnx', optionalOutModel());
  addTestModel('zipmap.onnx', zipMapModel('string'));
  addTestModel('zipmap_int64.onnx', zipMapModel('int64'));
  addTestModel('bad_runtime.onnx', badRuntimeModel());
  addTestModel('row_gather.onnx', rowGatherModel());
  const external = externalDataModel();
  addTestModel('external/model.onnx', external.modelBytes);
  addTestModel('external/weights.bin', external.weightsBytes);
  addTestModel('bf16_model.onnx', bfloat16MiddleModel());
  return files;
}

/** @param {string} path @param {Uint8Array} bytes */
function hasSameBytes(path, bytes) {
  try {
    return Buffer.from(bytes).equals(readFileSync(path));
  } catch {
    return false;
  }
}

function main() {
  const checkOnly = process.argv.includes('--check');
  const files = generateModelFiles();
  const stale = [];
  let totalBytes = 0;
  for (const [path, bytes] of files) {
    totalBytes += bytes.length;
    if (hasSameBytes(path, bytes)) continue;
    stale.push(relative(REPO_ROOT, path));
    if (!checkOnly) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
    }
  }
  const summary = `${files.size} files, ${(totalBytes / 1024).toFixed(0)} KiB`;
  if (checkOnly) {
    if (stale.length) {
      console.error(`test models out of date (run node tools/build-test-models.mjs): ${stale.join(', ')}`);
      process.exit(1);
    }
    console.log(`test models up to date: ${summary}`);
  } else {
    console.log(stale.length ? `wrote ${stale.length} of ${summary}` : `test models up to date: ${summary}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
