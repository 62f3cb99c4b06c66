// Memory across model reloads (issue 11): create → one run → release of PP-OCRv4 rec, over and
// over, as a server's hot reload does. ortex used to load sessions on libuv's threads, run them
// on its run pool and free them in GC finalizers on the JS thread: glibc kept the freed pages in
// each thread's malloc arena and RSS climbed ~1 MiB a cycle (216 → 252 MiB over 40 cycles, where
// onnxruntime-node stays near 120). Sessions are now loaded and freed on the lifecycle thread,
// which trims the heap after freeing. bench/soak.mjs's reload phase, both bindings, each in a
// fresh process; loose bounds (the bench's goal is + 8 MiB over 100 cycles), so only a
// regression fails, not a noisy machine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runSoak } from '../../bench/soak.mjs';

const CYCLES = 30;
const MARGIN_MB = 16;

test(`${CYCLES} reloads of PP-OCR rec: ortex's RSS grows no more than onnxruntime-node's + ${MARGIN_MB} MiB, and stays as low`, async () => {
  const results = await runSoak({ cycles: CYCLES, runs: 0, bindings: ['onnxruntime-node', 'ortex'], phases: ['reload'] });
  const [node, ortex] = results.map((r) => r.reload);
  assert.ok(!node.error, `onnxruntime-node: ${node.error}`);
  assert.ok(!ortex.error, `ortex: ${ortex.error}`);
  const series = `ortex ${ortex.rss_samples_mb.join(' ')} MiB; onnxruntime-node ${node.rss_samples_mb.join(' ')} MiB`;
  assert.ok(ortex.reload_growth_mb <= node.reload_growth_mb + MARGIN_MB, `growth: ${series}`);
  // The level too: before the fix ortex sat ~100 MiB above onnxruntime-node from the first samples on.
  assert.ok(ortex.rss_after_cycles_mb <= node.rss_after_cycles_mb + MARGIN_MB, `level: ${series}`);
  assert.is(ortex.sessions_live, 0, 'every session freed');
  assert.is(ortex.output_buffers_live, 0, 'every output freed');
  const glibc = process.report.getReport().header.glibcVersionRuntime;
  if (glibc) assert.ok(ortex.heap_trims > 0, `glibc ${glibc}: the lifecycle thread trimmed the heap`);
});

test.run();
