// Real models (PP-OCRv4 det/rec/cls, Silero VAD v5): ortex's outputs equal onnxruntime-node's
// within 1e-5 relative on deterministic pseudo-random inputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor } from '../dist/index.js';
import { REAL, closeTo, randomFloat32 } from './helpers/index.mjs';
import { ort } from './helpers/reference.mjs';

const RTOL = 1e-5;
const ATOL = 1e-6; // for values that are (nearly) zero, where a relative bound means nothing

async function pair(path) {
  const [mine, ref] = await Promise.all([InferenceSession.create(path), ort.InferenceSession.create(path)]);
  assert.equal(mine.inputNames, ref.inputNames);
  assert.equal(mine.outputNames, ref.outputNames);
  return { mine, ref };
}

async function compare(path, feeds, expectDims) {
  const { mine, ref } = await pair(path);
  const ours = {},
    theirs = {};
  for (const [name, { type, data, dims }] of Object.entries(feeds)) {
    ours[name] = new Tensor(type, data, dims);
    theirs[name] = new ort.Tensor(type, data, dims);
  }
  const [a, b] = await Promise.all([mine.run(ours), ref.run(theirs)]);
  for (const name of mine.outputNames) {
    assert.equal([...a[name].dims], [...b[name].dims], `${name} dims`);
    assert.is(a[name].type, b[name].type);
    closeTo(a[name].data, b[name].data, { rtol: RTOL, atol: ATOL, what: name });
  }
  if (expectDims) assert.equal([...a[mine.outputNames[0]].dims], expectDims);
  await mine.release();
  await ref.release();
  return a;
}

test('PP-OCRv4 det: metadata and output [1,1,320,320] match onnxruntime-node', async () => {
  const { mine, ref } = await pair(REAL.det);
  assert.equal(mine.inputNames, ['x']);
  assert.is(mine.inputMetadata[0].type, 'float32');
  assert.is(mine.inputMetadata[0].shape.length, 4);
  assert.is(mine.inputMetadata[0].shape[1], 3);
  assert.is(typeof mine.inputMetadata[0].shape[0], 'string', 'batch is symbolic');
  await mine.release();
  await ref.release();
  const out = await compare(
    REAL.det,
    { x: { type: 'float32', data: randomFloat32(1, 3 * 320 * 320, -1, 1), dims: [1, 3, 320, 320] } },
    [1, 1, 320, 320],
  );
  const prob = out[Object.keys(out)[0]].data;
  assert.ok(
    prob.every((v) => v >= 0 && v <= 1),
    'sigmoid output in [0, 1]',
  );
});

test('PP-OCRv4 rec: [2,3,48,320] → [2,40,6625] matches onnxruntime-node', async () => {
  const out = await compare(
    REAL.rec,
    { x: { type: 'float32', data: randomFloat32(2, 2 * 3 * 48 * 320, -1, 1), dims: [2, 3, 48, 320] } },
    [2, 40, 6625],
  );
  const p = out[Object.keys(out)[0]].data;
  let sum = 0;
  for (let c = 0; c < 6625; c++) sum += p[c];
  assert.ok(Math.abs(sum - 1) < 1e-3, `softmax row sums to ${sum}`);
});

test('PP-OCR cls: [4,3,48,192] → [4,2] matches onnxruntime-node', async () => {
  const out = await compare(
    REAL.cls,
    { x: { type: 'float32', data: randomFloat32(3, 4 * 3 * 48 * 192, -1, 1), dims: [4, 3, 48, 192] } },
    [4, 2],
  );
  const p = out[Object.keys(out)[0]].data;
  for (let r = 0; r < 4; r++) assert.ok(Math.abs(p[2 * r] + p[2 * r + 1] - 1) < 1e-5);
});

test('Silero VAD v5: 512-sample chunks carrying the state match onnxruntime-node at every step', async () => {
  const { mine, ref } = await pair(REAL.vad);
  assert.equal(mine.inputNames, ['input', 'state', 'sr']);
  assert.equal(mine.outputNames, ['output', 'stateN']);
  const sr = new BigInt64Array([16000n]);
  let stateMine = new Float32Array(2 * 128);
  let stateRef = new Float32Array(2 * 128);
  // A chirp plus noise, so the state actually changes.
  const noise = randomFloat32(4, 512 * 6, -0.1, 0.1);
  const probs = [];
  for (let chunk = 0; chunk < 6; chunk++) {
    const audio = new Float32Array(512);
    for (let i = 0; i < 512; i++) {
      const t = (chunk * 512 + i) / 16000;
      audio[i] = 0.5 * Math.sin(2 * Math.PI * (200 + 800 * t) * t) + noise[chunk * 512 + i];
    }
    const a = await mine.run({
      input: new Tensor('float32', audio, [1, 512]),
      state: new Tensor('float32', stateMine, [2, 1, 128]),
      sr: new Tensor('int64', sr, []),
    });
    const b = await ref.run({
      input: new ort.Tensor('float32', audio, [1, 512]),
      state: new ort.Tensor('float32', stateRef, [2, 1, 128]),
      sr: new ort.Tensor('int64', sr, []),
    });
    assert.equal([...a.output.dims], [1, 1]);
    assert.equal([...a.stateN.dims], [2, 1, 128]);
    closeTo(a.output.data, b.output.data, { rtol: RTOL, atol: ATOL, what: `chunk ${chunk} output` });
    closeTo(a.stateN.data, b.stateN.data, { rtol: RTOL, atol: ATOL, what: `chunk ${chunk} state` });
    assert.ok(a.output.data[0] >= 0 && a.output.data[0] <= 1);
    probs.push(a.output.data[0]);
    stateMine = a.stateN.data;
    stateRef = b.stateN.data;
  }
  assert.ok(
    stateMine.some((v) => v !== 0),
    'the state evolves',
  );
  await mine.release();
  await ref.release();
});

test.run();
