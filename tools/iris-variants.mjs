// Iris-shaped models that misbehave on purpose, for rollout tests and the closed-loop example:
// the same input and output as the Iris classifier (features float32 [batch, 4] →
// probabilities float32 [batch, 3], labels in the metadata), built with the project's ONNX builder.
// - brokenIrisBytes(): passes the warm-up (zeros) and fails every real request: it gathers row
//   max(features) of a one-row table, out of bounds for any flower (ORT rejects the index);
// - slowIrisBytes(n, irisPath): the Iris model's answers after a data-dependent Loop of n 64×64
//   MatMul + Tanh steps (folded into the logits with weight 0, so the answers stay the model's).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, graph, node, parseModel, tensor, tensorValueInfo } from './onnx-builder.mjs';

const IRIS = join(dirname(fileURLToPath(import.meta.url)), '..', 'models', 'iris', '1', 'model.onnx');
const LABELS = JSON.stringify(['setosa', 'versicolor', 'virginica']);
const io = () => ({
  inputs: [tensorValueInfo('features', 'float32', ['batch', 4])],
  outputs: [tensorValueInfo('probabilities', 'float32', ['batch', 3])],
});

/** The Iris model's weight [4,3] and bias [3], read from the committed model. */
function irisWeights(path) {
  const m = parseModel(readFileSync(path));
  const get = (name) => {
    const t = m.graph.initializer.find((i) => i.name === name);
    const raw = t.rawData;
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  };
  return { weight: get('weight'), bias: get('bias') };
}

export function brokenIrisBytes() {
  return buildModel({
    opsetImports: { '': 17 },
    metadataProps: { labels: LABELS },
    graph: {
      name: 'broken_iris',
      ...io(),
      initializers: [tensor('table', 'float32', [1, 3], new Float32Array([0.2, 0.3, 0.5]))],
      nodes: [
        node('ReduceMax', ['features'], ['rowmax'], { axes: [1], keepdims: 0 }),
        node('Cast', ['rowmax'], ['index'], { to: 7 }),
        node('Gather', ['table', 'index'], ['probabilities'], { axis: 0 }),
      ],
    },
  });
}

/**
 * A Loop body that burns time: v ← tanh(v · w) on a [1, width] state, and the weights `w`
 * ([width, width], an initializer named 'w' of the outer graph). test/server/slow-model.mjs uses it too.
 */
export function busyLoop(width = 64) {
  const w = new Float32Array(width * width);
  for (let i = 0; i < w.length; i++) w[i] = ((i * 7919) % 97) / 970 - 0.05;
  const body = graph({
    name: 'body',
    inputs: [tensorValueInfo('i', 'int64', []), tensorValueInfo('cond', 'bool', []), tensorValueInfo('v', 'float32', [1, width])],
    outputs: [tensorValueInfo('cond_out', 'bool', []), tensorValueInfo('v_out', 'float32', [1, width])],
    nodes: [node('Identity', ['cond'], ['cond_out']), node('MatMul', ['v', 'w'], ['vw']), node('Tanh', ['vw'], ['v_out'])],
  });
  return { body, w };
}

export function slowIrisBytes(iterations, irisPath = IRIS) {
  const { weight, bias } = irisWeights(irisPath);
  const W = 64;
  const { body, w } = busyLoop(W);
  return buildModel({
    opsetImports: { '': 17 },
    metadataProps: { labels: LABELS },
    graph: {
      name: 'slow_iris',
      ...io(),
      initializers: [
        tensor('weight', 'float32', [4, 3], weight),
        tensor('bias', 'float32', [3], bias),
        tensor('w', 'float32', [W, W], w),
        tensor('n', 'int64', [], [BigInt(iterations)]),
        tensor('shape', 'int64', [2], [1n, BigInt(W)]),
        tensor('zero', 'float32', [], [0]),
      ],
      nodes: [
        node('ReduceMean', ['features'], ['mean'], { keepdims: 0 }),
        node('Expand', ['mean', 'shape'], ['v0']),
        node('Loop', ['n', '', 'v0'], ['v_final'], { body }),
        node('ReduceSum', ['v_final'], ['burn'], { keepdims: 0 }),
        node('Mul', ['burn', 'zero'], ['nothing']),
        node('MatMul', ['features', 'weight'], ['xw']),
        node('Add', ['xw', 'bias'], ['xwb']),
        node('Add', ['xwb', 'nothing'], ['logits']),
        node('Softmax', ['logits'], ['probabilities'], { axis: -1 }),
      ],
    },
  });
}
