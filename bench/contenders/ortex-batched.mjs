// Contender: ortex with dynamic batching: the same callers, each sending its own requests, go
// through one `Batcher` over the session (issue 3), which merges concurrent requests along the
// batch axis. spec.batching is passed to the Batcher, over DEFAULT_BATCHING: the settings issue 3's
// bench/batching.mjs uses for the overhead-bound MLP on 2 cores (batches of up to 32 rows, two in
// flight so the next batch computes while the JS thread splits the last, every batch off the JS
// thread); the Batcher's own defaults otherwise (no queue delay).
// When dist/ does not export Batcher yet, prints { contender, skipped: reason } and exits 0.
// Usage: node ortex-batched.mjs '<workload spec JSON>'
import { contenderMain } from '../lib/contender.mjs';
import { loadOrtex } from '../lib/ortex.mjs';
import { runWorkload } from '../lib/workload.mjs';

export const DEFAULT_BATCHING = { maxBatchSize: 32, maxInflightBatches: 2, runOptions: { mode: 'async' } };

/** Batch-size facts from the Batcher's stats(), whatever their exact shape. */
function batcherInfo(batcher) {
  let s;
  try {
    s = batcher.stats?.();
  } catch {
    return {};
  }
  if (!s || typeof s !== 'object') return {};
  const pick = {};
  for (const [k, v] of Object.entries(s)) if (typeof v === 'number') pick[k] = v;
  return { batcher_stats: pick };
}

await contenderMain('ortex-batched', async (spec) => {
  const api = await loadOrtex();
  if (typeof api.Batcher !== 'function')
    return { skipped: 'ortex does not export Batcher yet (lib/batching/batcher.ts, issue 3); batching contender skipped' };
  if (Object.keys(spec.carry).length) throw new Error('streaming workloads (carry) cannot be batched across callers');
  const options = { ...DEFAULT_BATCHING, ...(spec.batching ?? {}) };
  return runWorkload(api, spec, {
    makeRunner: async (session) => {
      const batcher = new api.Batcher(session, options);
      return {
        run: (feeds) => batcher.run(feeds),
        close: async () => {
          await (batcher.close ?? batcher.drain)?.call(batcher);
        },
        info: () => ({ batching: options, ...batcherInfo(batcher) }),
      };
    },
  });
});
