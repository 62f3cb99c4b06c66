// Candidate models for the rollout tests (tools/iris-variants.mjs builds them), and a slow one
// calibrated to this machine.
import { writeFileSync } from 'node:fs';
import { InferenceSession, Tensor } from '../../dist/index.js';
import { slowIrisBytes } from '../../tools/iris-variants.mjs';

export { brokenIrisBytes, slowIrisBytes } from '../../tools/iris-variants.mjs';

/** Writes a slow Iris model taking at least about `ms` per run here (fastest of a few probes) to `path`. */
export async function writeCalibratedSlowIris(path, ms) {
  const probe = 4000;
  writeFileSync(path, slowIrisBytes(probe));
  const session = await InferenceSession.create(path);
  let fastest = Infinity;
  try {
    const features = new Tensor('float32', new Float32Array([5.1, 3.5, 1.4, 0.2]), [1, 4]);
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      await session.run({ features });
      fastest = Math.min(fastest, performance.now() - t0);
    }
  } finally {
    await session.release();
  }
  const iterations = Math.max(probe, Math.ceil((ms * probe) / fastest));
  writeFileSync(path, slowIrisBytes(iterations));
  return iterations;
}
