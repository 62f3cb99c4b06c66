// `ortex info` (issue 10): `--dim batch=1e12` printed "skipped" and exited 0; --dim names that match
// no dimension were ignored and printed as applied; --json printed errors as text. Now: coded
// errors and exit 1 for bad --dim names and sizes, a failed inference exits 1, and under --json
// every outcome (usage errors and load failures included) is one JSON document on stdout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel, node, tensor, tensorValueInfo } from '../../tools/onnx-builder.mjs';
import { ROOT, runScript } from '../helpers/index.mjs';

const BIN = join(ROOT, 'bin', 'ortex.js');
const info = (...args) => runScript(BIN, ['info', '--no-probe', '--runs', '1', ...args], { timeoutMs: 60_000 });
const work = mkdtempSync(join(tmpdir(), 'ortex-info-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

// Reshape x[N] to [3]: fails at run time unless N = 3.
const reshape = join(work, 'reshape3.onnx');
writeFileSync(
  reshape,
  buildModel({
    opsetImports: { '': 17 },
    graph: {
      name: 'reshape3',
      inputs: [tensorValueInfo('x', 'float32', ['N'])],
      outputs: [tensorValueInfo('y', 'float32', [3])],
      initializers: [tensor('shape', 'int64', [1], [3n])],
      nodes: [node('Reshape', ['x', 'shape'], ['y'])],
    },
  }),
);

test('a --dim name that matches no input dimension: ERR_INVALID_ARGUMENT, exit 1 (text and JSON)', async () => {
  const r = await info('--dim', 'btach=2');
  assert.is(r.code, 1);
  assert.is(
    r.stderr.trim(),
    "ortex: ERR_INVALID_ARGUMENT: expected a symbolic dimension of the model's inputs ('batch') for --dim, received 'btach'",
  );
  const j = await info('--dim', 'btach=2', '--json');
  assert.is(j.code, 1);
  assert.equal(JSON.parse(j.stdout), {
    error: {
      code: 'ERR_INVALID_ARGUMENT',
      message: "expected a symbolic dimension of the model's inputs ('batch') for --dim, received 'btach'",
    },
  });
  assert.is(j.stderr, '');
});

test('--dim batch=1e12: refused before allocating, exit 1, not "skipped"', async () => {
  const r = await info('--dim', 'batch=1e12');
  assert.is(r.code, 1);
  assert.not.match(r.stdout, /skipped/);
  assert.match(
    r.stderr,
    /^ortex: ERR_INVALID_ARGUMENT: expected at most 268435456 elements \(lower --dim\) for the generated input 'features', received dims \[1000000000000,4\]/,
  );
  const j = await info('--dim', 'batch=1e12', '--json');
  assert.is(j.code, 1);
  assert.is(JSON.parse(j.stdout).error.code, 'ERR_INVALID_ARGUMENT');
});

test('a failed inference exits 1 with the runtime error (text and JSON); the model is still described', async () => {
  const r = await info(reshape);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /Inputs\n {2}x +float32\[N\]/);
  assert.match(r.stdout, /Inference {3}failed: ERR_RUNTIME: /);
  const j = await info(reshape, '--json');
  assert.is(j.code, 1);
  const doc = JSON.parse(j.stdout);
  assert.is(doc.model.inputs[0].name, 'x');
  assert.is(doc.inference.error.code, 'ERR_RUNTIME');
  // With a size that fits, the same model runs: exit 0, and the applied --dim is printed.
  const ok = await info(reshape, '--dim', 'N=3');
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /symbolic dims = \{"N":3\}, others 1/);
});

test('--json: a model that does not load and bad usage are JSON errors too', async () => {
  const missing = await info(join(work, 'nope.onnx'), '--json');
  assert.is(missing.code, 1);
  assert.is(JSON.parse(missing.stdout).error.code, 'ERR_MODEL_LOAD');
  const usage = await info('--json', '--runs', 'many');
  assert.is(usage.code, 1);
  assert.equal(JSON.parse(usage.stdout).error, {
    code: 'ERR_INVALID_ARGUMENT',
    message: 'expected a non-negative integer for --runs, received many',
  });
  const good = await info('--json');
  assert.is(good.code, 0);
  assert.equal(JSON.parse(good.stdout).inference.outputs.probabilities.slice(0, 12), 'float32[1,3]');
});

test.run();
