// A long stream through the monitor: 1 million Iris-shaped rows (validate + observe, with model
// outputs and a reservoir sample) leave the heap flat — the window holds counts, not requests.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '../../dist/index.js';
import { Monitor, Schema } from '../../dist/monitoring/index.js';
import { createSeededRandom, IRIS_FEATURES, irisRows, numericSchema } from './helpers.mjs';

const schema = Schema.from(numericSchema(IRIS_FEATURES));
const data = irisRows().map((r) => r.slice(0, 4));
const { ProfileBuilder } = await import('../../dist/monitoring/index.js');
const builder = new ProfileBuilder(schema, { outputs: [{ output: 'probabilities', kind: 'scores', classes: 3 }] });
builder.addRows(schema.view(data));
const scores = (r) => [r[2] / 7, r[3] / 2.5, 1 - r[2] / 7];
builder.addOutputs({ probabilities: { data: Float32Array.from(data.flatMap(scores)), dims: [data.length, 3] } });
const profile = builder.finish();

test('1,000,000 rows: heap flat, window and reservoir bounded', () => {
  const m = new Monitor({
    model: 'mem',
    schema,
    profile,
    window: { subWindows: 10, subWindowRows: 1000 },
    minSamples: 1000,
    reservoir: { size: 500, seed: 1 },
  });
  // a pool of prepared requests, as a server holds decoded ones only for their lifetime
  const u = createSeededRandom(9);
  const pool = Array.from({ length: 512 }, () => {
    const r = data[Math.floor(u() * data.length)];
    return {
      feeds: { features: new Tensor('float32', Float32Array.from(r), [1, 4]) },
      outputs: { probabilities: new Tensor('float32', Float32Array.from(scores(r)), [1, 3]) },
    };
  });
  const heap = [];
  const TOTAL = 1_000_000;
  for (let i = 0; i < TOTAL; i++) {
    const { feeds, outputs } = pool[i & 511];
    m.validate(feeds);
    m.observe(feeds, outputs);
    if ((i + 1) % 200_000 === 0) {
      globalThis.gc();
      heap.push(process.memoryUsage().heapUsed);
    }
  }
  const s = m.stats();
  assert.is(s.rows, TOTAL);
  assert.is(s.errors, 0);
  assert.is(s.windowRows, 10_000);
  assert.ok(s.reservoirRows <= 550, `reservoir ${s.reservoirRows}`);
  const growth = heap.at(-1) - heap[0];
  console.log(
    `# heap after 200k..1M rows (MiB): ${heap.map((h) => (h / 2 ** 20).toFixed(2)).join(', ')}; growth ${(growth / 1024).toFixed(0)} KiB`,
  );
  assert.ok(growth < 1024 * 1024, `heap grew by ${(growth / 2 ** 20).toFixed(2)} MiB over 800k rows`);
  void m.close();
});

test.run();
