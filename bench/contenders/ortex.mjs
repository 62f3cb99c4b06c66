// Contender: ortex, built into dist/. Same workload code as onnxruntime-node.mjs, import swapped.
// Usage: node ortex.mjs '<workload spec JSON>'
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { contenderMain } from '../lib/contender.mjs';
import { REPO_ROOT } from '../lib/models.mjs';
import { normalizeApi, runWorkload } from '../lib/workload.mjs';

const ORTEX_ENTRY = join(REPO_ROOT, 'dist/index.js');

async function loadOrtex() {
  if (!existsSync(ORTEX_ENTRY))
    throw new Error(`ortex is not built: ${ORTEX_ENTRY} does not exist (compile lib/ with \`npx tsc\` and build the native addon)`);
  try {
    return normalizeApi(await import(pathToFileURL(ORTEX_ENTRY).href));
  } catch (err) {
    throw new Error(`ortex failed to load from ${ORTEX_ENTRY}: ${err?.message ?? err}`);
  }
}

await contenderMain('ortex', async (spec) => runWorkload(await loadOrtex(), spec));
