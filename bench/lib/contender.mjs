// Entry-point wrapper shared by bench/contenders/*.mjs: parse the workload spec from argv,
// run `body(spec)`, print one JSON line. On failure print { contender, error } and exit 1.
import { specFromArgv } from './spec.mjs';

export async function contenderMain(name, body) {
  try {
    const spec = specFromArgv();
    const result = await body(spec);
    process.stdout.write(`${JSON.stringify({ contender: name, ...result })}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ contender: name, error: err?.message ?? String(err) })}\n`);
    process.exitCode = 1;
  }
}
