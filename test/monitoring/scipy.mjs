// SciPy as an independent reference for the drift statistics: a Python venv created once from
// pip's local index under node_modules/.cache/ortex-scipy/ (numpy + scipy), then one Python
// process per batch of cases (scipy-reference.py reads JSON cases on stdin, writes JSON results).
// Where python3, venv, pip or the packages are missing, scipyReference() returns { skip: reason }
// and the calling test file registers a skipped test saying why.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cacheDir = join(root, 'node_modules', '.cache');
const venv = join(cacheDir, 'ortex-scipy');
const python = join(venv, 'bin', 'python');
const INDEX = process.env.ORTEX_PIP_INDEX ?? 'file:///opt/pypi/simple';

function sh(cmd, args, timeout = 300_000) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim(), error: r.error };
}

function ensureVenv() {
  if (existsSync(python) && sh(python, ['-c', 'import scipy, numpy']).ok) return undefined;
  const py = sh('python3', ['--version']);
  if (!py.ok) return `python3 is not available (${py.error?.code ?? py.out})`;
  mkdirSync(cacheDir, { recursive: true });
  // Build beside the final path and rename, so an interrupted install never leaves a half venv.
  const tmp = `${venv}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const made = sh('python3', ['-m', 'venv', tmp]);
  if (!made.ok) return `python3 -m venv failed: ${made.out.split('\n').slice(-2).join(' ')}`;
  const pip = sh(
    join(tmp, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', '--index-url', INDEX, 'numpy', 'scipy'],
    600_000,
  );
  if (!pip.ok) {
    rmSync(tmp, { recursive: true, force: true });
    return `pip could not install numpy and scipy from ${INDEX}: ${pip.out.split('\n').slice(-2).join(' ')}`;
  }
  rmSync(venv, { recursive: true, force: true });
  renameSync(tmp, venv);
  return undefined;
}

let state;
/** { run(cases) → results, version } or { skip: reason }. */
export function scipyReference() {
  if (state) return state;
  const skip = ensureVenv();
  if (skip) {
    state = { skip };
    return state;
  }
  const version = sh(python, ['-c', 'import scipy; print(scipy.__version__)']).out;
  state = {
    version,
    run(cases) {
      const r = spawnSync(python, [join(here, 'scipy-reference.py')], {
        input: JSON.stringify(cases),
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        timeout: 120_000,
      });
      if (r.status !== 0) throw new Error(`scipy-reference.py failed (${r.status}): ${r.stderr}`);
      return JSON.parse(r.stdout);
    },
  };
  return state;
}
