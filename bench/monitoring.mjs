#!/usr/bin/env node
// What monitoring costs per request: µs per toFeeds / prepare / validate / observe on Iris-shaped rows
// (4 float32 features, a 3-class score output, profile from the 150 Iris rows, reservoir on),
// beside the model run itself (the demo 4→8→3 classifier at batch 1, or --model), and the cost
// of one judgment (a sub-window closing: every statistic for 4 features and 4 output columns),
// which a time-based window pays once per sub-window, not per request. Measured with tinybench in
// one process; run it on a quiet machine before quoting a number.
//
//   node bench/monitoring.mjs [--time-ms 1000] [--model models/iris.onnx] [--json]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { InferenceSession, Tensor } from '../dist/index.js';
import { Monitor, ProfileBuilder, Schema, outputLayoutFor } from '../dist/monitoring/index.js';
import { irisRows } from '../tools/iris-csv.mjs';

const { values: opt } = parseArgs({
  options: {
    'time-ms': { type: 'string', default: '1000' },
    model: { type: 'string', default: 'models/demo.onnx' },
    json: { type: 'boolean' },
  },
});
const time = Number(opt['time-ms']);

const NAMES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const session = await InferenceSession.create(opt.model);
const schema = Schema.from({
  version: 1,
  features: NAMES.map((name, i) => ({
    name,
    type: 'number',
    min: [4.3, 2, 1, 0.1][i],
    max: [7.9, 4.4, 6.9, 2.5][i],
    actions: { range: 'count' },
  })),
}).bind(session);
const data = irisRows().map((r) => r.slice(0, 4));
const builder = new ProfileBuilder(schema, { outputs: outputLayoutFor(session.outputMetadata) });
builder.addRows(schema.view(data));
builder.addOutputs(await session.run(schema.toFeeds(data)));
const profile = builder.finish();

let now = 0;
const monitor = new Monitor({
  model: 'iris',
  schema,
  profile,
  window: { subWindows: 10, subWindowMs: 60_000 },
  minSamples: 100,
  reservoir: { size: 1000, seed: 1 },
  now: () => now,
});
const requests = data.map((r) => {
  const named = Object.fromEntries(NAMES.map((n, i) => [n, r[i]]));
  const feeds = { features: new Tensor('float32', Float32Array.from(r), [1, 4]) };
  return { named, feeds };
});
for (const r of requests) r.outputs = await session.run(r.feeds);
// a full window: 10 sub-windows of 1,000 rows
for (let s = 0; s < 10; s++) {
  for (let i = 0; i < 1000; i++) monitor.observe(requests[i % requests.length].feeds, requests[i % requests.length].outputs);
  now += 60_000;
  monitor.tick();
}

let k = 0;
const next = () => requests[k++ % requests.length];
const bench = new Bench({ time, warmupTime: Math.min(300, time / 3) });
bench
  .add('model run (batch 1)', async () => {
    await session.run(next().feeds);
  })
  .add('toFeeds (named features)', () => {
    monitor.toFeeds(next().named);
  })
  .add('prepare (named → validated tensors)', () => {
    monitor.prepare(next().named);
  })
  .add('validate (input tensors)', () => {
    monitor.validate(next().feeds);
  })
  .add('observe (inputs + outputs)', () => {
    const r = next();
    monitor.observe(r.feeds, r.outputs);
  })
  .add('validate + observe', () => {
    const r = next();
    monitor.validate(r.feeds);
    monitor.observe(r.feeds, r.outputs);
  });

const started = performance.now();
await bench.run();

// One judgment with a full window (10 × 1,000 rows): fill the next sub-window untimed, then time
// the tick that closes it and judges.
const judgments = [];
for (let j = 0; j < 60; j++) {
  for (let i = 0; i < 1000; i++) {
    const r = next();
    monitor.observe(r.feeds, r.outputs);
  }
  now += 60_000;
  const t0 = performance.now();
  monitor.tick();
  judgments.push((performance.now() - t0) * 1000);
}
judgments.sort((a, b) => a - b);
const us = (t) => t.result.latency.mean * 1000;
const rows = bench.tasks.map((t) => ({
  task: t.name,
  meanUs: us(t),
  p99Us: t.result.latency.p99 * 1000,
  samples: t.result.latency.samplesCount,
}));
rows.push({
  task: 'judgment (a sub-window closes)',
  meanUs: judgments.reduce((a, b) => a + b, 0) / judgments.length,
  p99Us: judgments[Math.floor(judgments.length * 0.99)],
  samples: judgments.length,
});
const byName = Object.fromEntries(rows.map((r) => [r.task, r.meanUs]));
const perRequest = byName['validate + observe'];
const result = {
  host: { node: process.version, cpus: (await import('node:os')).cpus().length },
  model: opt.model,
  tasks: rows,
  perRequestUs: perRequest,
  judgmentUs: byName['judgment (a sub-window closes)'],
  ratioToModelRun: perRequest / byName['model run (batch 1)'],
  seconds: (performance.now() - started) / 1000,
};
await monitor.close();
await session.release();
if (opt.json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(`monitoring cost, Iris-shaped rows (${opt.model}), node ${process.version}`);
  for (const r of rows)
    console.log(
      `  ${r.task.padEnd(36)} ${r.meanUs.toFixed(2).padStart(9)} µs mean  ${r.p99Us.toFixed(2).padStart(9)} µs p99  (${r.samples} samples)`,
    );
  console.log(
    `per request (validate + observe): ${perRequest.toFixed(2)} µs = ${(100 * result.ratioToModelRun).toFixed(1)} % of the bare model run;`,
  );
  console.log(`one judgment: ${result.judgmentUs.toFixed(0)} µs, paid once per sub-window (60 s by default), not per request`);
}
