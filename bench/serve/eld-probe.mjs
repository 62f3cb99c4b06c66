// Preloaded into a Node contender (node --import): measures the server's own event-loop delay.
// SIGUSR2 starts a fresh measurement (the load is about to begin); at exit the p50/p99/max (ms)
// are written to $ORTEX_BENCH_ELD.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
process.on('SIGUSR2', () => h.reset());
process.on('exit', () => {
  if (!process.env.ORTEX_BENCH_ELD) return;
  writeFileSync(
    process.env.ORTEX_BENCH_ELD,
    JSON.stringify({ p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 }),
  );
});
