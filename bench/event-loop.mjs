// Event-loop responsiveness under inference load (core issue check).
// 4 concurrent callers run PP-OCR rec (batch 8, input [8,3,48,320]) in a loop for 5 s while
// monitorEventLoopDelay (1 ms resolution) records p50/p99/max; onnxruntime-node and ortex each run
// in their own child process. Target: ortex eld p99 < 5 ms. `npm run bench` runs it too (part
// `event-loop`), and prints its figure beside the single-caller table.
//
//   node bench/event-loop.mjs [--seconds 5] [--concurrency 4] [--batch 8] [--threads 1] [--warmup 4]
//                             [--contenders onnxruntime-node,ortex] [--check]
// --check: exit 1 unless ortex ran and met the target.
import { parseArgs } from 'node:util';
import { runContender } from './lib/proc.mjs';
import { formatTable } from './lib/report.mjs';

export const TARGET_P99_MS = 5;

/** The workload: `concurrency` callers looping PP-OCR rec at `batch`. */
export function eventLoopSpec({ seconds = 5, concurrency = 4, batch = 8, threads = 1, warmup = 4, provider } = {}) {
  return {
    model: 'ocr-rec',
    batch,
    concurrency,
    threads,
    seconds,
    warmup,
    inputs: { x: ['B', 3, 48, 320] },
    eldResolutionMs: 1,
    ...(provider ? { provider } : {}),
  };
}

/** Runs the contenders one after the other; resolves { bench, spec, target_eld_p99_ms, ortex_pass, results }. */
export async function runEventLoop(spec, contenders = ['onnxruntime-node', 'ortex'], { onProgress } = {}) {
  const results = [];
  for (const name of contenders) {
    onProgress?.(name);
    results.push(await runContender(name, spec));
  }
  const ortex = results.find((r) => r.contender === 'ortex');
  const ortexPass = ortex && !ortex.error ? ortex.eld_p99_ms < TARGET_P99_MS : null;
  return { bench: 'event-loop', spec, target_eld_p99_ms: TARGET_P99_MS, ortex_pass: ortexPass, results };
}

/** The target line for `npm run bench`'s targets. */
export function eventLoopTarget(run) {
  const o = run.results.find((r) => r.contender === 'ortex');
  if (!o || o.error) return { id: 'event-loop', pass: null, line: `SKIP event loop under load: ortex ${o?.error ?? 'did not run'}` };
  return {
    id: 'event-loop',
    pass: run.ortex_pass,
    eld_p99_ms: o.eld_p99_ms,
    limit_ms: TARGET_P99_MS,
    line:
      `${run.ortex_pass ? 'PASS' : 'FAIL'} event-loop delay p99 under ${run.spec.concurrency} callers of PP-OCR rec batch ` +
      `${run.spec.batch}: ortex ${o.eld_p99_ms} ms (target < ${TARGET_P99_MS} ms)`,
  };
}

const isMain = process.argv[1] && new URL(import.meta.url).pathname === process.argv[1];
if (isMain) {
  const { values: opt } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '4' },
      batch: { type: 'string', default: '8' },
      threads: { type: 'string', default: '1' },
      warmup: { type: 'string', default: '4' },
      contenders: { type: 'string', default: 'onnxruntime-node,ortex' },
      check: { type: 'boolean', default: false },
    },
  });
  const spec = eventLoopSpec({
    seconds: Number(opt.seconds),
    concurrency: Number(opt.concurrency),
    batch: Number(opt.batch),
    threads: Number(opt.threads),
    warmup: Number(opt.warmup),
  });
  const run = await runEventLoop(spec, opt.contenders.split(','), {
    onProgress: (name) => process.stderr.write(`event-loop: running ${name} (${spec.seconds} s)...\n`),
  });
  const rows = run.results.map((r) =>
    r.error
      ? [r.contender, null, null, null, null, null, 'unavailable']
      : [
          r.contender,
          r.runs,
          r.throughput_runs_per_s,
          r.eld_p50_ms,
          r.eld_p99_ms,
          r.eld_max_ms,
          r.contender === 'ortex' ? (r.eld_p99_ms < TARGET_P99_MS ? 'PASS' : 'FAIL') : '',
        ],
  );
  console.log(
    `event loop delay, PP-OCR rec [${spec.batch},3,48,320] x ${spec.concurrency} callers, ${spec.seconds} s, ${spec.threads} intra-op thread(s); target ortex p99 < ${TARGET_P99_MS} ms`,
  );
  console.log(formatTable(['contender', 'runs', 'runs/s', 'p50 ms', 'p99 ms', 'max ms', 'target'], rows));
  for (const r of run.results.filter((x) => x.error)) console.log(`${r.contender}: ${r.error}`);
  console.log(JSON.stringify(run));
  if (opt.check && run.ortex_pass !== true) process.exitCode = 1;
}
