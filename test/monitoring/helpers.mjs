// Shared helpers for test/monitoring: seeded samples, exact binning of raw samples (one bin per
// distinct value, so binned statistics equal the sample statistics), agreement bookkeeping that
// prints the largest differences found, and small builders for schemas, profiles and monitors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSeededRandom } from '../../tools/seeded-random.mjs';
import { irisCsv, irisRows } from '../../tools/iris-csv.mjs';
import { ROOT } from '../helpers/index.mjs';

export { createSeededRandom, irisCsv, irisRows, ROOT };
export const CLI = join(ROOT, 'bin', 'ortex.js');
export const DEMO_MODEL = join(ROOT, 'models', 'demo.onnx');
export const IRIS_FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

/** Standard normal draws (Box–Muller) from a seeded uniform generator. */
export function normals(seed) {
  const u = createSeededRandom(seed);
  let spare;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const t = 2 * Math.PI * u();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

/** Aligned count vectors (and per-value means) over the union of two samples' distinct values. */
export function exactBins(a, b) {
  const values = [...new Set([...a, ...b])].sort((x, y) => x - y);
  const index = new Map(values.map((v, i) => [v, i]));
  const reference = new Float64Array(values.length),
    current = new Float64Array(values.length);
  for (const v of a) reference[index.get(v)]++;
  for (const v of b) current[index.get(v)]++;
  return {
    kind: 'numeric',
    reference,
    current,
    referenceMeans: Float64Array.from(values),
    currentMeans: Float64Array.from(values),
    values,
  };
}

/** Tracks |actual − expected| and the relative difference over a test file; report() prints the maxima. */
export function agreement(label) {
  let maxAbs = 0,
    maxRel = 0,
    n = 0;
  return {
    check(actual, expected, { rel = 1e-9, abs = 0, what = label } = {}) {
      n++;
      if (expected === null || Number.isNaN(expected)) {
        if (!(actual === null || Number.isNaN(actual))) throw new Error(`${what}: expected NaN, received ${actual}`);
        return;
      }
      const d = Math.abs(actual - expected);
      const r = expected === 0 ? d : d / Math.abs(expected);
      maxAbs = Math.max(maxAbs, d);
      maxRel = Math.max(maxRel, r);
      if (!(d <= abs || r <= rel))
        throw new Error(
          `${what}: ${actual} vs SciPy ${expected} (abs ${d.toExponential(2)}, rel ${r.toExponential(2)}; tolerance rel ${rel}, abs ${abs})`,
        );
    },
    report() {
      console.log(`# agreement ${label}: ${n} values, max abs diff ${maxAbs.toExponential(2)}, max rel diff ${maxRel.toExponential(2)}`);
    },
  };
}

export function tempDir(prefix = 'ortex-monitoring-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the CLI; returns { status, stdout, stderr }. */
export function cli(args, options = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, ...options });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Writes iris.csv into `dir`; returns its path. */
export function writeIris(dir) {
  const path = join(dir, 'iris.csv');
  writeFileSync(path, irisCsv());
  return path;
}

/**
 * A numeric-features schema spec: { x: {min, max, ...}, ... } → SchemaSpec with one float32 input.
 */
export function numericSchema(names, extra = {}) {
  return {
    version: 1,
    inputs: { features: { type: 'float32' } },
    features: names.map((name) => ({ name, type: 'number', ...extra[name] })),
  };
}

/**
 * Synthetic features with known distributions: 'normal' N(0,1), 'skewed' Exp(1), 'uniform'
 * U(0,1), 'count' a Poisson(3)-like integer (many ties), 'colour' one of five categories.
 */
export const SYNTHETIC = {
  schema: {
    version: 1,
    inputs: { features: { type: 'float64' } },
    features: [
      { name: 'normal', type: 'number' },
      { name: 'skewed', type: 'number' },
      { name: 'uniform', type: 'number' },
      { name: 'count', type: 'integer' },
      { name: 'colour', type: 'category', input: 'colour' },
    ],
  },
  names: ['normal', 'skewed', 'uniform', 'count', 'colour'],
};
SYNTHETIC.schema.inputs.colour = { type: 'string' };

const COLOURS = ['red', 'green', 'blue', 'yellow', 'black'];
const COLOUR_P = [0.35, 0.25, 0.2, 0.12, 0.08];

/** A row generator; `change` alters one feature: { normal: { shift, scale }, colour: { newShare } }. */
export function syntheticRows(seed, change = {}) {
  const u = createSeededRandom(seed);
  const z = normals(seed + 7919);
  return (n) => {
    const rows = [];
    for (let i = 0; i < n; i++) {
      const lin = (name, x) => (change[name] ? x * (change[name].scale ?? 1) + (change[name].shift ?? 0) : x);
      let k = 0;
      for (let p = Math.exp(-3), s = p, r = u(); r > s; ) {
        k++;
        p *= 3 / k;
        s += p;
      }
      let colour;
      if (change.colour && u() < change.colour.newShare) colour = 'purple';
      else {
        let r = u(),
          c = 0;
        while (c < COLOURS.length - 1 && r >= COLOUR_P[c]) r -= COLOUR_P[c++];
        colour = COLOURS[c];
      }
      rows.push([lin('normal', z()), lin('skewed', -Math.log(1 - u())), lin('uniform', u()), Math.round(lin('count', k)), colour]);
    }
    return rows;
  };
}

/** A reference profile from positional rows (ProfileBuilder over the schema's view). */
export async function profileOf(schema, rows, options) {
  const { ProfileBuilder, Schema } = await import('../../dist/monitoring/index.js');
  const s = Schema.from(schema);
  const b = new ProfileBuilder(s, options);
  b.addRows(s.view(rows));
  return b.finish();
}
