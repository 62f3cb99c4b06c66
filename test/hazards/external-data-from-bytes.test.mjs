// A model given as bytes reads no files: ONNX Runtime used to resolve its external-data
// locations against the process's working directory, so uploaded bytes naming `secret.txt`
// returned that file's content in an output. Reading them takes an explicit, existing
// externalDataDirectory; ORT keeps every location inside it (../, absolute paths, links out).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from '../../dist/index.js';
import { ExternalDataFile, buildModel, node, tensorValueInfo } from '../../tools/onnx-builder.mjs';
import { rejects } from '../helpers/index.mjs';

const SECRET = 'SECRET!!';
const root = mkdtempSync(join(tmpdir(), 'ortex-external-'));
const weights = join(root, 'weights');
mkdirSync(weights);
writeFileSync(join(root, 'secret.txt'), SECRET); // outside the weights folder
writeFileSync(join(weights, 'w.bin'), 'WEIGHTS!');
symlinkSync(join(root, 'secret.txt'), join(weights, 'link.bin'));

/** y = x + w (uint8 [8]), with w stored in the file `location`. */
function model(location) {
  const file = new ExternalDataFile(location);
  const w = file.tensor('w', 'uint8', [8], new Uint8Array(8));
  return buildModel({
    opsetImports: { '': 17 },
    graph: {
      name: 'external_from_bytes',
      inputs: [tensorValueInfo('x', 'uint8', [8])],
      outputs: [tensorValueInfo('y', 'uint8', [8])],
      initializers: [w],
      nodes: [node('Add', ['x', 'w'], ['y'])],
    },
  });
}
const read = async (s) => Buffer.from((await s.run({ x: new Tensor('uint8', new Uint8Array(8), [8]) })).y.data).toString('latin1');
const QUIET = { logSeverityLevel: 3 };

test('by default a model from bytes is refused before any file is read, whatever the working directory holds', async () => {
  const cwd = process.cwd();
  process.chdir(root); // secret.txt is right here
  try {
    for (const location of ['secret.txt', './secret.txt', 'weights/w.bin', '../secret.txt', join(root, 'secret.txt')]) {
      const e = await rejects(InferenceSession.create(model(location), QUIET), 'ERR_MODEL_LOAD', /set externalDataDirectory/);
      assert.ok(e.message.includes(`'${location}'`), `${location}: ${e.message}`);
    }
  } finally {
    process.chdir(cwd);
  }
});

test('externalDataDirectory opts in: the data is read from that folder, and only from it', async () => {
  const s = await InferenceSession.create(model('w.bin'), { externalDataDirectory: weights, ...QUIET });
  assert.is(await read(s), 'WEIGHTS!');
  await s.release();
  // A relative directory is resolved once, against the working directory at create().
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const r = await InferenceSession.create(model('w.bin'), { externalDataDirectory: 'weights', ...QUIET });
    assert.is(await read(r), 'WEIGHTS!');
    await r.release();
  } finally {
    process.chdir(cwd);
  }
});

test('locations that leave externalDataDirectory are refused: ../, absolute, a link out of it', async () => {
  for (const location of ['../secret.txt', 'sub/../../secret.txt', join(root, 'secret.txt'), 'link.bin']) {
    await rejects(
      InferenceSession.create(model(location), { externalDataDirectory: weights, ...QUIET }),
      'ERR_MODEL_LOAD',
      /External data path|escapes|Absolute path/,
    );
  }
});

test('a model loaded from its path keeps to its own folder the same way', async () => {
  for (const [location, ok] of [
    ['w.bin', true],
    ['../secret.txt', false],
    ['link.bin', false],
  ]) {
    const path = join(weights, `model-${location.replace(/\W/g, '_')}.onnx`);
    writeFileSync(path, model(location));
    if (ok) {
      const s = await InferenceSession.create(path, QUIET);
      assert.is(await read(s), 'WEIGHTS!');
      await s.release();
    } else {
      await rejects(InferenceSession.create(path, QUIET), 'ERR_MODEL_LOAD', /External data path|escapes/);
    }
  }
});

test('externalDataDirectory is validated: an existing directory, set by this option only', async () => {
  const expected = 'the path of an existing directory for externalDataDirectory';
  for (const bad of ['', 42, join(root, 'missing'), join(root, 'secret.txt')]) {
    await rejects(
      InferenceSession.create(model('w.bin'), { externalDataDirectory: bad }),
      'ERR_INVALID_ARGUMENT',
      new RegExp(`^expected ${expected}, received `),
    );
  }
  await rejects(
    InferenceSession.create(model('w.bin'), { configEntries: { 'session.model_external_initializers_file_folder_path': weights } }),
    'ERR_INVALID_ARGUMENT',
    /set externalDataDirectory instead/,
  );
});

test.after(() => rmSync(root, { recursive: true, force: true }));

test.run();
