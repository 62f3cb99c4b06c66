// Contender: the raw C++ ceiling (bench/native/build/ceiling, or $ORTEX_CEILING_BIN).
// Translates the workload spec into ceiling's CLI and relays its JSON line.
// Usage: node ceiling.mjs '<workload spec JSON>'
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { contenderMain } from '../lib/contender.mjs';
import { REPO_ROOT } from '../lib/models.mjs';
import { failureMessage, lastJsonLine, runProcess, specTimeoutMs } from '../lib/proc.mjs';

export const CEILING_BIN = process.env.ORTEX_CEILING_BIN || join(REPO_ROOT, 'bench/native/build/ceiling');

export function ceilingArgs(spec) {
  const args = [
    '--model',
    spec.model,
    '--batch',
    spec.batch,
    '--threads',
    spec.threads,
    '--concurrency',
    spec.concurrency,
    '--warmup',
    spec.warmup,
  ];
  if (spec.runs != null) args.push('--runs', spec.runs);
  else args.push('--seconds', spec.seconds);
  for (const [name, value] of Object.entries(spec.fixDims)) args.push('--fix-dim', `${name}=${value}`);
  for (const [name, dims] of Object.entries(spec.inputs)) args.push('--shape', `${name}=${dims.join(',')}`);
  for (const [name, value] of Object.entries(spec.fill ?? {})) args.push('--fill', `${name}=${value}`);
  for (const [output, input] of Object.entries(spec.carry ?? {})) args.push('--carry', `${output}=${input}`);
  if (spec.provider && spec.provider !== 'cpu') args.push('--provider', spec.provider);
  return args.map(String);
}

await contenderMain('ceiling', async (spec) => {
  if (spec.runMode || spec.batching) throw new Error('the C++ ceiling has no runMode/batching variant');
  if (!existsSync(CEILING_BIN)) throw new Error(`ceiling binary not found: ${CEILING_BIN} (run bench/native/build.sh)`);
  const res = await runProcess(CEILING_BIN, ceilingArgs(spec), { timeoutMs: specTimeoutMs(spec) });
  const json = lastJsonLine(res.stdout);
  if (res.code !== 0 || !json) throw new Error(failureMessage(res, 'ceiling'));
  return { ...json, eld_p50_ms: null, eld_p99_ms: null, eld_max_ms: null }; // no JS event loop involved
});
