// The benchmark suite run by bench/run.mjs: side-by-side workloads, the concurrency sweep, the
// memory soak and the micro-benchmarks, with their quick and full profiles.
//
// Durations: `seconds` for fast workloads, a fixed `runs` count for heavy ones (so every round
// measures at least a few runs). Every JS contender and the C++ ceiling get the same spec.
import { modelAvailable } from './models.mjs';

export const SIDE_BY_SIDE_CONTENDERS = ['ceiling', 'onnxruntime-node', 'ortex'];
export const SWEEP_CONTENDERS = ['onnxruntime-node', 'ortex', 'ortex-batched'];
export const SWEEP_LEVELS = [1, 4, 16, 64];

export const PROFILES = {
  quick: { rounds: 3, sweepRounds: 1, soakRuns: 20_000, soakCycles: 30, microTimeMs: 150, eventLoopSeconds: 2 },
  full: { rounds: 5, sweepRounds: 3, soakRuns: 100_000, soakCycles: 100, microTimeMs: 1000, eventLoopSeconds: 5 },
};

const reluModel = () => (modelAvailable('relu') ? 'relu' : 'relu-project');

/**
 * Side-by-side workloads. `target` marks the checks; `quick`/`full` override the spec.
 * All run sequential calls (concurrency 1) unless the spec says otherwise.
 */
export function workloads() {
  return [
    {
      id: 'relu',
      title: 'near-empty model: Relu [3,4,5] (per-call overhead)',
      spec: { model: reluModel(), batch: 1 },
      quick: { seconds: 0.6, warmup: 500 },
      full: { seconds: 3, warmup: 2000 },
      target: 'overhead',
    },
    {
      id: 'ocr-cls-b1',
      title: 'PP-OCR cls, batch 1 [1,3,48,192]',
      spec: { model: 'ocr-cls', batch: 1 },
      quick: { seconds: 0.5, warmup: 5 },
      full: { seconds: 3, warmup: 20 },
    },
    {
      id: 'ocr-cls-b8',
      title: 'PP-OCR cls, batch 8 [8,3,48,192]',
      spec: { model: 'ocr-cls', batch: 8 },
      quick: { seconds: 0.5, warmup: 3 },
      full: { seconds: 3, warmup: 10 },
    },
    {
      id: 'ocr-rec-b1',
      title: 'PP-OCRv4 rec, batch 1 [1,3,48,320]',
      spec: { model: 'ocr-rec', batch: 1 },
      quick: { runs: 12, warmup: 2 },
      full: { seconds: 4, warmup: 5 },
    },
    {
      id: 'ocr-rec-b8',
      title: 'PP-OCRv4 rec, batch 8 [8,3,48,320]',
      spec: { model: 'ocr-rec', batch: 8 },
      quick: { runs: 3, warmup: 1 },
      full: { runs: 12, warmup: 2 },
      target: 'rec-b8',
    },
    {
      id: 'ocr-det',
      title: 'PP-OCRv4 det, one 640×640 image [1,3,640,640]',
      spec: { model: 'ocr-det', batch: 1 },
      quick: { runs: 3, warmup: 1 },
      full: { runs: 12, warmup: 2 },
    },
    {
      id: 'vad-stream',
      title: 'Silero VAD v5 streaming: 512-sample chunks, state carried, sequential',
      spec: { model: 'vad', batch: 1 },
      quick: { seconds: 0.5, warmup: 50 },
      full: { seconds: 3, warmup: 200 },
    },
    {
      id: 'mlp-b1',
      title: 'MLP 256-512-512-10, batch 1 (dynamic batch dim)',
      spec: { model: 'mlp', batch: 1 },
      quick: { seconds: 0.5, warmup: 200 },
      full: { seconds: 3, warmup: 1000 },
    },
    {
      id: 'mlp-b64',
      title: 'MLP 256-512-512-10, batch 64 (dynamic batch dim)',
      spec: { model: 'mlp', batch: 64 },
      quick: { seconds: 0.5, warmup: 20 },
      full: { seconds: 3, warmup: 100 },
    },
  ];
}

/** Concurrency sweeps: batch-1 requests from 1..64 concurrent callers on one session. */
export function sweeps() {
  return [
    {
      id: 'sweep-mlp',
      title: 'MLP 256-512-512-10, batch-1 requests (overhead-bound)',
      spec: { model: 'mlp', batch: 1 },
      quick: { seconds: 0.6, warmup: 50 },
      full: { seconds: 3, warmup: 200 },
    },
    {
      id: 'sweep-cls',
      title: 'PP-OCR cls, batch-1 requests (compute-bound)',
      spec: { model: 'ocr-cls', batch: 1 },
      full: { seconds: 3, warmup: 10 },
      fullOnly: true,
    },
  ];
}
