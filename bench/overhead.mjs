// Per-call overhead over the raw C++ ceiling on a tiny model (test_relu; falls back to the project's
// own test/models/relu.onnx, same op and shape, if libonnx-testdata is missing). Contenders run in their own child processes, interleaved
// (A B C A B C ...) over several rounds, 1 intra-op thread, concurrency 1 (sequential awaited calls).
// Reports the median over rounds of µs/call (= elapsed / runs), the ratio to the ceiling, and the
// overhead over the ceiling (µs/call - ceiling µs/call).
//
//   node bench/overhead.mjs [--rounds 5] [--seconds 1.5] [--warmup 500] [--model relu|relu-project|PATH]
//                           [--contenders ceiling,onnxruntime-node,ortex]
import { parseArgs } from 'node:util';
import { modelAvailable } from './lib/models.mjs';
import { runContender } from './lib/proc.mjs';
import { formatTable } from './lib/report.mjs';
import { median, round } from './lib/stats.mjs';

const { values: opt } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '1.5' },
    warmup: { type: 'string', default: '500' },
    model: { type: 'string' },
    contenders: { type: 'string', default: 'ceiling,onnxruntime-node,ortex' },
  },
});

const model = opt.model ?? (modelAvailable('relu') ? 'relu' : 'relu-project');
if (!opt.model && model !== 'relu') process.stderr.write('overhead: libonnx-testdata test_relu missing; using test/models/relu.onnx\n');
const spec = { model, batch: 1, concurrency: 1, threads: 1, seconds: Number(opt.seconds), warmup: Number(opt.warmup) };
const rounds = Number(opt.rounds);

let active = opt.contenders.split(',');
const perRound = Object.fromEntries(active.map((c) => [c, []])); // µs/call per round
const errors = {};
for (let round_ = 1; round_ <= rounds; round_++) {
  for (const name of active) {
    const r = await runContender(name, spec);
    if (r.error) {
      errors[name] = r.error; // fails the same way every round: drop it
      process.stderr.write(`overhead: ${name} unavailable: ${r.error}\n`);
      continue;
    }
    const usPerCall = (r.seconds * 1e6) / r.runs;
    perRound[name].push(usPerCall);
    process.stderr.write(`overhead: round ${round_}/${rounds} ${name} ${usPerCall.toFixed(3)} µs/call\n`);
  }
  active = active.filter((c) => !errors[c]);
}

const summary = {};
for (const [name, values] of Object.entries(perRound)) {
  if (errors[name]) summary[name] = { error: errors[name] };
  else summary[name] = { us_per_call_median: round(median(values), 3), us_per_call_rounds: values.map((v) => round(v, 3)) };
}
const ceilingUs = summary.ceiling?.us_per_call_median;
for (const s of Object.values(summary)) {
  if (s.error || ceilingUs == null) continue;
  s.ratio_to_ceiling = round(s.us_per_call_median / ceilingUs, 3);
  s.overhead_over_ceiling_us = round(s.us_per_call_median - ceilingUs, 3);
}

console.log(`per-call overhead, ${spec.model}, ${rounds} rounds x ${spec.seconds} s, 1 intra-op thread, sequential calls`);
console.log(
  formatTable(
    ['contender', 'µs/call (median)', 'min', 'max', 'x ceiling', 'overhead µs'],
    Object.entries(summary).map(([name, s]) =>
      s.error
        ? [name, 'unavailable', null, null, null, null]
        : [
            name,
            s.us_per_call_median,
            Math.min(...s.us_per_call_rounds),
            Math.max(...s.us_per_call_rounds),
            s.ratio_to_ceiling,
            s.overhead_over_ceiling_us,
          ],
    ),
  ),
);
for (const [name, e] of Object.entries(errors)) console.log(`${name}: ${e}`);
console.log(JSON.stringify({ bench: 'overhead', spec, rounds, results: summary }));
