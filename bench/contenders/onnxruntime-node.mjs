// Contender: onnxruntime-node (the baseline binding). Usage: node onnxruntime-node.mjs '<workload spec JSON>'
import { contenderMain } from '../lib/contender.mjs';
import { normalizeApi, runWorkload } from '../lib/workload.mjs';

await contenderMain('onnxruntime-node', async (spec) => runWorkload(normalizeApi(await import('onnxruntime-node')), spec));
