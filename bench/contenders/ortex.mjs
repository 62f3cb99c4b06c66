// Contender: ortex, built into dist/. Same workload code as onnxruntime-node.mjs, import swapped.
// Usage: node ortex.mjs '<workload spec JSON>'
import { contenderMain } from '../lib/contender.mjs';
import { loadOrtex } from '../lib/ortex.mjs';
import { runWorkload } from '../lib/workload.mjs';

await contenderMain('ortex', async (spec) => runWorkload(await loadOrtex(), spec));
