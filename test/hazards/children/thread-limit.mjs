// A run pool asked for 1024 threads under an address-space cap that makes the OS refuse new
// threads. The parent caps this process (prlimit --as) between commands read from stdin:
//   "runs N"  start N async runs at once, report how they settled and what stats() says
//   "retry"   runQueue(1024) again (the pool retries refused threads), then report
//   "exit"
// Each report is one JSON line; the first line reports the address space in use.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { InferenceSession, Tensor, init, stats } from '../../../dist/index.js';

const vmKb = () => Number(/VmSize:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
init({ maxConcurrentRuns: 1024 });
const session = await InferenceSession.create(new URL('../../models/demo.onnx', import.meta.url).pathname);
const feeds = () => ({ features: new Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]) });
const expected = Array.from((await session.run(feeds(), { mode: 'inline' })).probabilities.data);

const pool = () => {
  const { runThreads, runThreadStartFailures, runThreadStartError, maxConcurrentRuns } = stats();
  return { runThreads, runThreadStartFailures, runThreadStartError, maxConcurrentRuns };
};
async function runs(n) {
  const settled = await Promise.allSettled(Array.from({ length: n }, () => session.run(feeds(), { mode: 'async' })));
  const fulfilled = settled.filter((r) => r.status === 'fulfilled');
  const wrong = fulfilled.filter((r) => Array.from(r.value.probabilities.data).some((v, i) => Math.abs(v - expected[i]) > 1e-6)).length;
  const errors = [...new Set(settled.filter((r) => r.status === 'rejected').map((r) => `${r.reason?.code}: ${r.reason?.message}`))];
  return { fulfilled: fulfilled.length, rejected: n - fulfilled.length, errors, wrong, ...pool() };
}

console.log(JSON.stringify({ ready: true, vmKb: vmKb() }));
for await (const line of createInterface({ input: process.stdin })) {
  const [command, arg] = line.split(' ');
  if (command === 'exit') break;
  if (command === 'retry') init({ maxConcurrentRuns: 1024 });
  const report = command === 'runs' ? await runs(Number(arg)) : pool();
  console.log(JSON.stringify({ ...report, vmKb: vmKb() }));
}
await session.release();
process.stdin.destroy();
