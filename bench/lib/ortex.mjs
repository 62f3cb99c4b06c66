// Loads ortex from the repository's build (dist/index.js) with a message that says how to fix it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './models.mjs';
import { normalizeApi } from './workload.mjs';

export const ORTEX_ENTRY = join(REPO_ROOT, 'dist/index.js');

export async function loadOrtex() {
  if (!existsSync(ORTEX_ENTRY))
    throw new Error(`ortex is not built: ${ORTEX_ENTRY} does not exist (run \`npm run build\`: native addon and lib/ → dist/)`);
  try {
    return normalizeApi(await import(pathToFileURL(ORTEX_ENTRY).href));
  } catch (err) {
    throw new Error(`ortex failed to load from ${ORTEX_ENTRY}: ${err?.message ?? err}`);
  }
}
