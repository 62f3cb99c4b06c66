// Preloaded into a Node contender (node --import): measures the server's own event-loop delay.
// Each SIGUSR2 appends the measurement since the previous one (p50/p99/max, ms) as a JSON line
// to $ORTEX_BENCH_ELD and starts a fresh one, so one server process can be measured for several
// contenders in turn: signal before the measured run, signal after it.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
process.on('SIGUSR2', () => {
  if (process.env.ORTEX_BENCH_ELD)
    appendFileSync(
      process.env.ORTEX_BENCH_ELD,
      `${JSON.stringify({ p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 })}\n`,
    );
  h.reset();
});
