#!/usr/bin/env node
// `prepack` (npm pack / npm publish; npm then runs `prepare`, which rebuilds dist/): empties dist/
// so no output of a deleted source file ships, and refuses to pack without any prebuild (every
// user would then need a compiler). A prebuild for this platform older than the native sources
// only warns: release CI builds each platform's prebuild with `npm run prebuild` first.
import { readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { prebuildStatus, root } from './prebuild.mjs';

const list = (dir) => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};
const prebuilds = list(join(root, 'prebuilds')).flatMap((d) =>
  list(join(root, 'prebuilds', d))
    .filter((f) => f.endsWith('.node'))
    .map((f) => `prebuilds/${d}/${f}`),
);
if (prebuilds.length === 0) {
  console.error('prepack: prebuilds/ holds no addon: run `npm run prebuild` (on each platform to ship) before packing');
  process.exit(1);
}
const status = prebuildStatus();
if (!status.fresh) console.warn(`prepack: warning: ${relative(root, status.file)}: ${status.reason}; run \`npm run prebuild\``);
rmSync(join(root, 'dist'), { recursive: true, force: true });
console.log(`prepack: packing ${prebuilds.join(', ')}; dist/ emptied for a clean build`);
