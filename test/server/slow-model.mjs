// A test-only model whose running time the request chooses: a Loop of `n` iterations (an input)
// over a 64×64 MatMul + Tanh. The server tests use it to hold a model busy on purpose (one
// request with a large `n`) before they send the requests whose handling they check, so a
// full queue or a time limit is created by the test, whatever the CPU's speed or load.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from '../../dist/index.js';
import { busyLoop } from '../../tools/iris-variants.mjs';
import { buildModel, node, tensor, tensorValueInfo } from '../../tools/onnx-builder.mjs';

const WIDTH = 64;

/** The model's bytes: inputs `x` float32 [1,64] and `n` int64 [] (iterations), output `y` float32 [1,64]. */
export function slowModelBytes() {
  const { body, w } = busyLoop(WIDTH);
  return buildModel({
    opsetImports: { '': 17 },
    graph: {
      name: 'slow_loop',
      inputs: [tensorValueInfo('x', 'float32', [1, WIDTH]), tensorValueInfo('n', 'int64', [])],
      outputs: [tensorValueInfo('y', 'float32', [1, WIDTH])],
      initializers: [tensor('w', 'float32', [WIDTH, WIDTH], w)],
      nodes: [node('Loop', ['n', '', 'x'], ['y'], { body })],
    },
  });
}

export function writeSlowModel(path) {
  writeFileSync(path, slowModelBytes());
}

/** A v2 JSON infer body running `n` iterations. */
export function slowRequest(n) {
  return {
    inputs: [
      { name: 'x', shape: [1, WIDTH], datatype: 'FP32', data: new Array(WIDTH).fill(0.5) },
      { name: 'n', shape: [], datatype: 'INT64', data: [n] },
    ],
  };
}

/**
 * Iterations that take at least about `ms` milliseconds on this machine, measured in process on
 * the model at `path`: the fastest of a few probes (a probe slowed by a busy machine would
 * underestimate the count), so a faster machine gets a proportionate count and a busy one a
 * longer hold, never a shorter one.
 */
export async function iterationsFor(path, ms) {
  const session = await InferenceSession.create(path);
  try {
    const x = new Tensor('float32', new Float32Array(WIDTH).fill(0.5), [1, WIDTH]);
    const probe = 20_000;
    const n = new Tensor('int64', BigInt64Array.of(BigInt(probe)), []);
    let fastest = Infinity;
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      await session.run({ x, n });
      fastest = Math.min(fastest, performance.now() - t0);
    }
    return Math.max(probe, Math.ceil((ms * probe) / fastest));
  } finally {
    await session.release();
  }
}

/**
 * The slow model's config for tests that count requests queued behind a held run: no merging,
 * and one run at a time (ORT's own intra-op threading gives the session a parallelism of 1;
 * the server's default of one thread per run would run a second request beside the held one).
 */
export const ONE_RUN_AT_A_TIME = 'batching: none\nsessionOptions: { intraOpNumThreads: 0 }\n';

/**
 * The model written to a temporary folder, and the iterations that hold it busy for at least
 * about `holdMs` here: `{ path, hold, remove() }`.
 */
export async function prepareSlowModel(holdMs = 1000) {
  const dir = mkdtempSync(join(tmpdir(), 'ortex-slow-'));
  const path = join(dir, 'slow.onnx');
  writeSlowModel(path);
  const hold = await iterationsFor(path, holdMs);
  return { path, hold, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
