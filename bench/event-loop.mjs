// Event-loop responsiveness under inference load (core issue check).
// 4 concurrent callers run PP-OCR rec (batch 8, input [8,3,48,320]) in a loop for 5 s while
// monitorEventLoopDelay (1 ms resolution) records p50/p99/max; onnxruntime-node and ortex each run
// in their own child process. Target: ortex eld p99 < 5 ms.
//
//   node bench/event-loop.mjs [--seconds 5] [--concurrency 4] [--batch 8] [--threads 1] [--warmup 4]
//                             [--contenders onnxruntime-node,ortex] [--check]
// --check: exit 1 unless ortex ran and met the target.
import { parseArgs } from 'node:util';
import { runContender } from './lib/proc.mjs';
import { formatTable } from './lib/report.mjs';

const TARGET_P99_MS = 5;

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

const spec = {
  model: 'ocr-rec',
  batch: Number(opt.batch),
  concurrency: Number(opt.concurrency),
  threads: Number(opt.threads),
  seconds: Number(opt.seconds),
  warmup: Number(opt.warmup),
  inputs: { x: ['B', 3, 48, 320] },
  eldResolutionMs: 1,
};

const results = [];
for (const name of opt.contenders.split(',')) {
  process.stderr.write(`event-loop: running ${name} (${spec.seconds} s)...\n`);
  results.push(await runContender(name, spec));
}

const rows = results.map((r) =>
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
for (const r of results.filter((x) => x.error)) console.log(`${r.contender}: ${r.error}`);

const ortex = results.find((r) => r.contender === 'ortex');
const ortexPass = ortex && !ortex.error ? ortex.eld_p99_ms < TARGET_P99_MS : null;
console.log(JSON.stringify({ bench: 'event-loop', spec, target_eld_p99_ms: TARGET_P99_MS, ortex_pass: ortexPass, results }));
if (opt.check && ortexPass !== true) process.exitCode = 1;
