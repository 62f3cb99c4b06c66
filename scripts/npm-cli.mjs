// npm's own CLI scripts (npm-cli.js, npx-cli.js), run with this Node: the scripts and tests call
// npm without a shell and with a PATH that may hold nothing but node.
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

let found;

/** The folder of the npm package running us (npm run / npm test) or the one on PATH. */
export function npmRoot() {
  if (found) return found;
  const candidates = [];
  if (process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath))
    candidates.push(dirname(dirname(process.env.npm_execpath)));
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const bin = join(dir, 'npm');
    if (!existsSync(bin)) continue;
    const real = realpathSync(bin);
    candidates.push(real.endsWith('.js') ? dirname(dirname(real)) : join(dirname(dirname(real)), 'lib', 'node_modules', 'npm'));
  }
  candidates.push(
    join(dirname(dirname(process.execPath)), 'lib', 'node_modules', 'npm'),
    join(dirname(process.execPath), 'node_modules', 'npm'),
  );
  found = candidates.find((c) => existsSync(join(c, 'bin', 'npm-cli.js')));
  if (!found) throw new Error(`npm not found (looked in ${candidates.join(', ')})`);
  return found;
}

export const npmCli = () => join(npmRoot(), 'bin', 'npm-cli.js');
export const npxCli = () => join(npmRoot(), 'bin', 'npx-cli.js');
