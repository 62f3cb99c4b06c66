#!/usr/bin/env node
// `prepare`: the checkout's build (`npm run build`: the addon with cmake-js, then the TypeScript),
// which npm runs after `npm install` in the checkout.
//
// npm also runs it when `npx ortex` (or `npm exec ortex`) is typed in the checkout: since the
// checkout's own package.json has the `ortex` bin, npm links the checkout into its npx cache
// (~/.npm/_npx/) and runs its lifecycle scripts there first, which rebuilt everything (35-38 s,
// silently) before the command ran. Under `npm exec` the build is skipped when it exists, so the
// command runs the checkout's current build at once; after changing sources, `npm run build`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmCli } from './npm-cli.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outputs = ['dist/cli/main.js', 'dist/cjs/index.js', 'build/Release/ortex.node'];
const built = outputs.every((f) => existsSync(join(root, f)));
if (process.env.npm_command === 'exec' && built) process.exit(0);
const r = spawnSync(process.execPath, [npmCli(), 'run', 'build'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
