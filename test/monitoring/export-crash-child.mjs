// Child script for export-atomic.test.mjs: fills a 100,000-row reservoir, then exports it into the
// folder argv[2] — to argv[2]/sample.csv (exportReservoir) — and is killed by the test mid-write.
import { join } from 'node:path';
import { Monitor } from '../../dist/monitoring/index.js';
import { IRIS_FEATURES, numericSchema } from './helpers.mjs';

const SIZE = 100_000;
const m = new Monitor({
  model: 'iris',
  schema: numericSchema(IRIS_FEATURES),
  window: { subWindows: 1, subWindowRows: 1e9 },
  reservoir: { size: SIZE, seed: 1 },
});
for (let b = 0; b < 10; b++) m.observe(Array.from({ length: SIZE / 10 }, (_, i) => [i / 7, i / 11, i / 13, b + i / 17]));
await m.exportReservoir(join(process.argv[2], 'sample.csv'));
process.stdout.write('done\n');
