/**
 * `ortex info [model.onnx]`: the runtime (ORT version, library, providers) and, for a model
 * (default: the bundled demo model), its inputs, outputs, metadata and one timed inference on
 * generated inputs.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { elementTypeByName, type TensorData } from '../../tensor/element-types.js';
import { invalid, OrtexError } from '../../base/errors.js';
import { packageRoot } from '../../native/loader.js';
import { runtimeInfo } from '../../native/runtime.js';
import { probeProviders } from '../../session/provider-probe.js';
import { InferenceSession, type FeedsType } from '../../session/session.js';
import type { SessionOptions } from '../../session/session-options.js';
import { Tensor } from '../../tensor/tensor.js';
import type { OnnxValue } from '../../tensor/value-codec.js';
import { describeValue, formatType, type TypeMetadata, type ValueMetadata, valueType } from '../../tensor/value-metadata.js';

import type { Command } from '../command.js';

const USAGE = `Usage: ortex info [model.onnx] [options]

Shows the ONNX Runtime ortex loaded and, for a model (default: the bundled demo model),
its inputs, outputs and metadata, then times an inference on generated inputs.

Options:
  --dim NAME=SIZE     size for a symbolic dimension of the inputs (default 1); repeatable
  --runs N            timed runs after the first (default 100)
  --provider NAME     execution provider to request (default cpu); repeatable, in priority order
  --threads N         intra-op threads
  --no-probe          skip starting each compiled-in provider (in a child process) to see if it is usable
  --json              print one JSON document instead of text (errors too: { "error": { code, message } })
  -h, --help          this help

Exit status: 0 when the model loaded and ran (or its inputs cannot be generated: the inference is
skipped, with the reason); 1 on bad usage, a model that does not load, or a failed inference.
`;

/** Most elements generated for one input (1 GiB of float32): --dim sizes beyond it are refused. */
const MAX_GENERATED_ELEMENTS = 2 ** 28;

interface Args {
  command: string;
  model?: string;
  dims: Record<string, number>;
  runs: number;
  providers: string[];
  threads?: number;
  json: boolean;
  probe: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { command: '', dims: {}, runs: 100, providers: [], json: false, probe: true };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new OrtexError('ERR_INVALID_ARGUMENT', `expected a value after ${a}`);
      return v;
    };
    if (a === '-h' || a === '--help') args.command = 'help';
    else if (a === '--json') args.json = true;
    else if (a === '--no-probe') args.probe = false;
    else if (a === '--runs') args.runs = positiveInt(value(), '--runs', true);
    else if (a === '--threads') args.threads = positiveInt(value(), '--threads', false);
    else if (a === '--provider') args.providers.push(value());
    else if (a === '--dim') {
      const [name, size] = value().split('=');
      if (!name || size === undefined) throw new OrtexError('ERR_INVALID_ARGUMENT', 'expected NAME=SIZE after --dim');
      args.dims[name] = positiveInt(size, `--dim ${name}`, true);
    } else if (a.startsWith('-')) throw new OrtexError('ERR_INVALID_ARGUMENT', `unknown option ${a}\n\n${USAGE}`);
    else rest.push(a);
  }
  if (args.command !== 'help') {
    args.command = 'info';
    args.model = rest.shift();
    if (rest.length) throw new OrtexError('ERR_INVALID_ARGUMENT', `unexpected argument ${rest[0]}\n\n${USAGE}`);
  }
  return args;
}

function positiveInt(s: string, what: string, allowZero: boolean): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < (allowZero ? 0 : 1))
    throw new OrtexError(
      'ERR_INVALID_ARGUMENT',
      `expected a ${allowZero ? 'non-negative' : 'positive'} integer for ${what}, received ${s}`,
    );
  return n;
}

/** An input ortex info cannot make up a value for (maps, opaque types): the inference is skipped. */
class CannotGenerate extends Error {}

/** Symbolic dimension names of a type (tensor shapes, inside sequences and optionals too). */
function symbolicDims(type: TypeMetadata, out: Set<string>): Set<string> {
  if (type.kind === 'tensor') for (const d of type.shape) if (typeof d === 'string') out.add(d);
  if (type.kind === 'sequence' || type.kind === 'optional') symbolicDims(type.element, out);
  if (type.kind === 'map') symbolicDims(type.value, out);
  return out;
}

/** Refuses --dim names that match no symbolic dimension of the inputs (they would be printed as applied and ignored). */
function checkDimNames(inputs: readonly ValueMetadata[], dims: Record<string, number>): void {
  const known = new Set<string>();
  for (const m of inputs) symbolicDims(valueType(m), known);
  for (const name of Object.keys(dims)) {
    if (!known.has(name))
      throw invalid(
        'ERR_INVALID_ARGUMENT',
        '--dim',
        `a symbolic dimension of the model's inputs (${[...known].map((d) => `'${d}'`).join(', ') || 'none'})`,
        `'${name}'`,
      );
  }
}

/** Deterministic inputs for one run: floats in [0, 1), integers 0, strings "ortex". */
function generate(type: TypeMetadata, dims: Record<string, number>, seed: { s: number }, what: string): OnnxValue {
  if (type.kind === 'optional') return generate(type.element, dims, seed, what);
  if (type.kind === 'sequence') return [generate(type.element, dims, seed, what)];
  if (type.kind !== 'tensor') throw new CannotGenerate(`cannot generate a value of ${formatType(type)} for ${what}`);
  const shape = type.shape.map((d) => (typeof d === 'number' ? d : d !== null && Object.hasOwn(dims, d) ? dims[d]! : 1));
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > MAX_GENERATED_ELEMENTS)
    throw invalid(
      'ERR_INVALID_ARGUMENT',
      `the generated ${what}`,
      `at most ${MAX_GENERATED_ELEMENTS} elements (lower --dim)`,
      `dims [${shape.join(',')}], ${count} elements`,
    );
  const info = elementTypeByName(type.type)!;
  if (info.name === 'string')
    return new Tensor(
      'string',
      Array.from({ length: count }, () => 'ortex'),
      shape,
    );
  const data = new info.array!(info.packed4 ? Math.ceil(count / 2) : count);
  if (info.name === 'float32' || info.name === 'float64') {
    const f = data as Float32Array;
    for (let i = 0; i < f.length; i++) {
      seed.s = (seed.s * 1664525 + 1013904223) >>> 0;
      f[i] = seed.s / 2 ** 32;
    }
  }
  return new Tensor(info.name, data as TensorData, shape);
}

function summarize(v: OnnxValue): string {
  if (v === null) return 'none';
  if (v instanceof Tensor) {
    const data = v.data as ArrayLike<unknown>;
    const head = Array.from({ length: Math.min(6, data.length) }, (_, i) => {
      const x = data[i];
      return typeof x === 'number' ? Number(x.toPrecision(4)) : typeof x === 'bigint' ? `${x}n` : JSON.stringify(x);
    });
    return `${v.type}[${v.dims.join(',')}] = [${head.join(', ')}${data.length > 6 ? ', …' : ''}]`;
  }
  if (Array.isArray(v)) return `sequence of ${v.length}`;
  return `map of ${v.size}`;
}

function fmtIo(list: readonly ValueMetadata[]): string[] {
  const width = Math.max(4, ...list.map((m) => m.name.length));
  return list.map((m) => `  ${m.name.padEnd(width)}  ${formatType(valueType(m))}`);
}

interface Timing {
  firstMs: number;
  medianMs: number;
  p99Ms: number;
  runs: number;
}

/** What happened to the timed inference: timed, skipped (inputs that cannot be generated), or failed. */
type Inference = { timing: Timing; outputs: Record<string, OnnxValue> } | { skipped: string } | { error: OrtexError };

async function timeInference(session: InferenceSession, feeds: FeedsType, runs: number): Promise<Inference> {
  try {
    const f0 = performance.now();
    const outputs = await session.run(feeds);
    const firstMs = performance.now() - f0;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      await session.run(feeds);
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    const timing = {
      firstMs,
      medianMs: times.length ? times[Math.floor(times.length / 2)]! : firstMs,
      p99Ms: times.length ? times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]! : firstMs,
      runs: times.length,
    };
    return { timing, outputs };
  } catch (e) {
    return { error: e as OrtexError };
  }
}

/** The one JSON shape of an error under --json. */
function errorJson(e: unknown): { code: string; message: string } {
  const err = e as OrtexError;
  return { code: typeof err?.code === 'string' ? err.code : 'ERR_RUNTIME', message: err?.message ?? String(e) };
}

async function info(args: Args): Promise<number> {
  const runtime = runtimeInfo();
  const probes = args.probe ? await probeProviders({ timeoutMs: 30_000 }) : undefined;
  const bundled = args.model === undefined;
  const model = args.model ?? join(packageRoot, 'models', 'demo.onnx');
  const options: SessionOptions = { executionProviders: args.providers.length ? args.providers : ['cpu'] };
  if (args.threads !== undefined) options.intraOpNumThreads = args.threads;
  const t0 = performance.now();
  const session = await InferenceSession.create(model, options);
  const loadMs = performance.now() - t0;
  try {
    checkDimNames(session.inputMetadata, args.dims);
    const feeds: FeedsType = {};
    const seed = { s: 42 };
    let inference: Inference;
    try {
      for (const m of session.inputMetadata) feeds[m.name] = generate(valueType(m), args.dims, seed, `input '${m.name}'`);
      inference = await timeInference(session, feeds, args.runs);
    } catch (e) {
      if (!(e instanceof CannotGenerate)) throw e;
      inference = { skipped: e.message };
    }
    const failed = 'error' in inference;
    if (args.json) {
      const out = {
        runtime,
        providers: probes,
        model: {
          path: model,
          bundledDemo: bundled,
          bytes: statSync(model).size,
          loadMs,
          providers: session.providers,
          providerFailures: session.providerFailures,
          metadata: session.modelMetadata,
          inputs: session.inputMetadata.map(describeValue),
          outputs: session.outputMetadata.map(describeValue),
        },
        inference:
          'timing' in inference
            ? { ...inference.timing, outputs: Object.fromEntries(Object.entries(inference.outputs).map(([k, v]) => [k, summarize(v)])) }
            : 'skipped' in inference
              ? { skipped: inference.skipped }
              : { error: errorJson(inference.error) },
      };
      console.log(JSON.stringify(out, null, 2));
      return failed ? 1 : 0;
    }
    const lines: string[] = [];
    lines.push(`ONNX Runtime ${runtime.ortVersion} (C API ${runtime.apiVersion}) from ${runtime.libraryPath} [${runtime.librarySource}]`);
    lines.push(`Addon       ${runtime.addonPath}`);
    lines.push(`Providers   compiled in: ${runtime.providers.join(', ')}`);
    if (probes) {
      lines.push(
        `            usable here: ${
          probes
            .filter((p) => p.usable)
            .map((p) => p.name)
            .join(', ') || 'none'
        }`,
      );
      for (const p of probes.filter((x) => !x.usable))
        lines.push(`            ${p.name}: not usable${p.missingLibrary ? ` (missing ${p.missingLibrary})` : ''} — ${p.fix}`);
    }
    lines.push('');
    const meta = session.modelMetadata;
    lines.push(`Model       ${model}${bundled ? ' (bundled demo; pass a path to inspect your own)' : ''}`);
    lines.push(
      `            ${(statSync(model).size / 1024).toFixed(1)} KiB, loaded in ${loadMs.toFixed(1)} ms on ${session.providers.join(', ')}`,
    );
    lines.push(
      `            producer ${meta.producer || '?'}${meta.producerVersion ? ` ${meta.producerVersion}` : ''}, graph ${meta.graphName || '?'}, IR ${meta.irVersion ?? '?'}, opsets ${meta.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ') || '?'}`,
    );
    if (meta.description) lines.push(`            ${meta.description}`);
    for (const [k, v] of Object.entries(meta.custom)) lines.push(`            ${k}: ${v}`);
    for (const f of session.providerFailures) lines.push(`            provider ${f.name} skipped: ${f.message}`);
    lines.push('Inputs');
    lines.push(...fmtIo(session.inputMetadata));
    lines.push('Outputs');
    lines.push(...fmtIo(session.outputMetadata));
    lines.push('');
    if ('timing' in inference) {
      const { timing, outputs } = inference;
      lines.push(
        `Inference   generated inputs (symbolic dims = ${Object.keys(args.dims).length ? `${JSON.stringify(args.dims)}, others ` : ''}1)`,
      );
      lines.push(
        `            first run ${timing.firstMs.toFixed(3)} ms; then ${timing.runs} runs: median ${timing.medianMs.toFixed(3)} ms, p99 ${timing.p99Ms.toFixed(3)} ms`,
      );
      for (const [k, v] of Object.entries(outputs)) lines.push(`            ${k}: ${summarize(v)}`);
    } else if ('skipped' in inference) {
      lines.push(`Inference   skipped: ${inference.skipped}`);
    } else {
      const e = errorJson(inference.error);
      lines.push(`Inference   failed: ${e.code}: ${e.message}`);
    }
    console.log(lines.join('\n'));
    return failed ? 1 : 0;
  } finally {
    await session.release();
  }
}

export const command: Command = {
  name: 'info',
  usage: USAGE,
  async run(argv) {
    // Under --json every outcome is JSON on stdout, bad usage and load failures included.
    const json = argv.includes('--json');
    try {
      const args = parseArgs(argv);
      if (args.command === 'help') {
        console.log(USAGE);
        return 0;
      }
      return await info(args);
    } catch (e) {
      if (!json) throw e;
      console.log(JSON.stringify({ error: errorJson(e) }, null, 2));
      return 1;
    }
  },
};
