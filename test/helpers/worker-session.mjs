// Worker used by lifecycle tests. workerData: { dist, model, mode: 'loop' | 'finish', batch }.
//  'loop':   creates a session, posts { ready }, then runs forever (async), posting { ran: n } after each run.
//  'finish': creates a session, runs twice, posts the output values, then returns with the session and
//            outputs still alive (no release, no dispose): the worker exits normally.
import { parentPort, workerData } from 'node:worker_threads';

const { dist, model, mode, batch } = workerData;
const { InferenceSession, Tensor } = await import(dist);
const session = await InferenceSession.create(model);
const x = new Float32Array(batch * 256);
for (let i = 0; i < x.length; i++) x[i] = Math.sin(i) * 0.5;
const feeds = { x: new Tensor('float32', x, [batch, 256]) };

if (mode === 'loop') {
  parentPort.postMessage({ ready: true });
  for (let n = 1; ; n++) {
    const out = await session.run(feeds, { mode: 'async' });
    parentPort.postMessage({ ran: n, first: out.logits.data[0] });
  }
} else {
  const a = await session.run(feeds, { mode: 'async' });
  const b = await session.run(feeds);
  globalThis.keep = [session, a, b]; // alive at exit
  parentPort.postMessage({ logits: Array.from(a.logits.data), same: a.logits.data.every((v, i) => v === b.logits.data[i]) });
}
