/** Child side of probeProviders(): one provider, one session, one run; prints one JSON line. */
import { InferenceSession } from './session.js';
import { Tensor } from '../tensor/tensor.js';

const [name, model] = process.argv.slice(2);
try {
  const session = await InferenceSession.create(model!, {
    executionProviders: [{ name: name!, onFailure: 'error' } as never],
    logSeverityLevel: 3,
  });
  await session.run({ features: new Tensor('float32', new Float32Array([0.1, 0.2, 0.3, 0.4]), [1, 4]) });
  await session.release();
  console.log(JSON.stringify({ usable: true, providers: session.providers }));
} catch (e) {
  console.log(JSON.stringify({ usable: false, error: (e as Error).message.split('\nFix:')[0] }));
}
