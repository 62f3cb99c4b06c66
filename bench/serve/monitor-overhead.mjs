#!/usr/bin/env node
// The monitor's cost per /predict request, isolated from the network and the load generator:
// two servers in this one process (the Iris model plain, and with monitoring: schema and profile
// from the training data, the default window, a 1,000-row reservoir), driven through Fastify's
// inject() in alternating blocks of requests, 64 in flight; CPU time per request (process.cpuUsage) for each,
// medians over the blocks. What monitoring adds is the difference; bench:serve gives the server's
// whole CPU per request over real HTTP to compare it with.
//
//   node bench/serve/monitor-overhead.mjs [--requests 20000] [--blocks 7] [--in-flight 64]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { irisCsv } from '../../tools/iris-csv.mjs';
import { irisTraffic } from '../../tools/iris-traffic.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const IRIS = join(ROOT, 'models', 'iris', '1', 'model.onnx');
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    blocks: { type: 'string', default: '7' },
    'in-flight': { type: 'string', default: '64' },
  },
});
const N = Number(values.requests);
const BLOCKS = Number(values.blocks);
const IN_FLIGHT = Number(values['in-flight']);
const work = mkdtempSync(join(tmpdir(), 'ortex-monitor-overhead-'));
const labels = 'outputs:\n  probabilities:\n    labels: [setosa, versicolor, virginica]\n';
for (const [name, monitored] of [
  ['plain', false],
  ['monitored', true],
]) {
  const v1 = join(work, name, 'iris', '1');
  mkdirSync(v1, { recursive: true });
  writeFileSync(join(v1, 'model.onnx'), readFileSync(IRIS));
  writeFileSync(join(work, name, 'iris', 'config.yaml'), monitored ? `${labels}monitoring:\n  reservoir: { size: 1000 }\n` : labels);
  if (monitored) {
    const csv = join(work, 'iris.csv');
    writeFileSync(csv, irisCsv());
    for (const args of [
      ['schema', csv, '--model', IRIS, '--out', join(v1, 'schema.json')],
      ['profile', csv, '--model', IRIS, '--schema', join(v1, 'schema.json'), '--out', join(v1, 'profile.json')],
    ]) {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'ortex.js'), ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
    }
  }
}
const { createServer } = await import('../../dist/server/index.js');
const servers = {};
for (const name of ['plain', 'monitored'])
  servers[name] = await createServer({ models: join(work, name), logger: false, processMetrics: false, config: { watch: false } });

const records = irisTraffic(1000, 1);
const bodies = {
  rows: records.map((r) => JSON.stringify({ features: Object.values(r) })),
  named: records.map((r) => JSON.stringify({ features: r })),
};
async function block(app, list, n) {
  const t = process.cpuUsage();
  let sent = 0;
  // IN_FLIGHT clients, each sending its next request when its answer came (as autocannon does).
  const client = async () => {
    while (sent < n) {
      const res = await app.inject({
        method: 'POST',
        url: '/predict',
        payload: list[sent++ % list.length],
        headers: { 'content-type': 'application/json' },
      });
      if (res.statusCode !== 200) throw new Error(res.body);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, client));
  await new Promise((r) => setImmediate(r)); // the deferred observations are counted too
  const d = process.cpuUsage(t);
  return ((d.user + d.system) / n).toFixed(2);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const VARIANTS = [
  ['plain, rows', servers.plain, bodies.rows],
  ['monitored, rows', servers.monitored, bodies.rows],
  ['monitored, named features', servers.monitored, bodies.named],
];
const results = Object.fromEntries(VARIANTS.map(([label]) => [label, []]));
for (const [, app, list] of VARIANTS) await block(app, list, 2000); // warm-up
for (let b = 0; b < BLOCKS; b++) for (const [label, app, list] of VARIANTS) results[label].push(Number(await block(app, list, N)));
const base = median(results['plain, rows']);
console.log(
  `${N} requests × ${BLOCKS} blocks per variant, ${IN_FLIGHT} in flight, CPU µs per request (median; in-process inject, no network)`,
);
for (const [label, xs] of Object.entries(results))
  console.log(
    `${label.padEnd(28)} ${median(xs).toFixed(2)} µs${label === 'plain, rows' ? '' : `  (+${(median(xs) - base).toFixed(2)} µs)`}`,
  );
const m = servers.monitored.ortex.monitorOf('iris');
console.log(`monitor: ${JSON.stringify({ rows: m.stats().rows, errors: m.stats().errors })}`);
for (const app of Object.values(servers)) await app.close();
rmSync(work, { recursive: true, force: true });
