#!/usr/bin/env node
// The closed loop's retraining step: the command the drift trigger runs (config
// monitoring.trigger.command). It reads the trigger's payload on stdin (model, drifted features,
// the exported reservoir sample), joins the sample with the labels the world reported
// (--labels, a CSV of the four features and the species), retrains the Iris classifier on it
// with the project's deterministic training (tools/train-iris.mjs), profiles the new model on the
// same sample (`ortex profile`) and publishes both as the model's next version folder — written
// beside it, then renamed into place, so the repository watcher never sees half a version.
//
//   node examples/closed-loop/retrain.mjs --repo DIR --labels labels.csv [--broken] < payload.json
//
// --broken simulates a faulty training job: the published model loads and warms up, then fails
// every real request (tools/iris-variants.mjs), for the rollout to roll back.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { brokenIrisBytes } from '../../tools/iris-variants.mjs';
import { build } from '../../tools/train-iris.mjs';
import { FEATURES, rowKey } from './traffic.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LABELS = ['setosa', 'versicolor', 'virginica'];

const { values } = parseArgs({ options: { repo: { type: 'string' }, labels: { type: 'string' }, broken: { type: 'boolean' } } });
if (!values.repo || !values.labels) {
  console.error('usage: retrain.mjs --repo DIR --labels labels.csv < payload.json');
  process.exit(2);
}
const payload = JSON.parse(readFileSync(0, 'utf8'));
if (!payload.reservoir?.path) {
  console.error('the trigger payload names no reservoir sample (set monitoring.reservoir.size)');
  process.exit(2);
}
const truth = new Map();
for (const r of parse(readFileSync(values.labels, 'utf8'), { columns: true })) truth.set(rowKey(FEATURES.map((f) => r[f])), r.species);
const sample = parse(readFileSync(payload.reservoir.path, 'utf8'), { columns: true });
const x = [];
const y = [];
for (const r of sample) {
  const row = FEATURES.map((f) => Number(r[f]));
  const species = truth.get(rowKey(row));
  if (species === undefined) continue; // not labelled yet
  x.push(row);
  y.push(LABELS.indexOf(species));
}
if (x.length < 30) {
  console.error(`only ${x.length} labelled rows in the sample: not retraining`);
  process.exit(1);
}
const modelDir = join(values.repo, payload.model);
const next = Math.max(0, ...readdirSync(modelDir).filter((f) => /^\d+$/.test(f)).map(Number)) + 1;
const staging = join(modelDir, `.incoming-${next}`);
mkdirSync(staging, { recursive: true });
const { bytes, accuracy } = build({
  data: { x, y, labels: LABELS },
  modelVersion: next,
  dataset: `reservoir sample of model ${payload.model} version ${payload.version} (${x.length} labelled rows; drifted: ${payload.drifted.features.join(', ') || 'outputs'})`,
});
writeFileSync(join(staging, 'model.onnx'), bytes);
const csv = join(staging, 'sample.csv');
writeFileSync(csv, `${FEATURES.join(',')}\n${x.map((r) => r.join(',')).join('\n')}\n`);
execFileSync(process.execPath, [join(ROOT, 'bin', 'ortex.js'), 'profile', csv, '--model', join(staging, 'model.onnx'), '--out', join(staging, 'profile.json')], {
  stdio: 'ignore',
});
// The faulty job: the profile is the trained model's, the exported file is broken.
if (values.broken) writeFileSync(join(staging, 'model.onnx'), brokenIrisBytes());
renameSync(staging, join(modelDir, String(next)));
console.log(
  JSON.stringify({
    model: payload.model,
    version: String(next),
    rows: x.length,
    accuracy: values.broken ? null : accuracy.correct / accuracy.total,
    broken: values.broken ?? false,
  }),
);
