// The model file is replaced (atomic rename), truncated or unlinked while create() loads it.
// The session and its modelMetadata (IR version, opsets) must describe the same model: the
// addon reads the file once and ORT parses those very bytes. Before, the metadata was read from
// the file a second time after ORT had loaded it, and could describe another model (or be
// `opsets: []` for a truncated file) while the session ran the first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, mkdtempSync, renameSync, rmSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, isOrtexError } from '../../dist/index.js';
import { REAL, model, seeded } from '../helpers/index.mjs';

// A takes long to load (PP-OCR rec, ~10 MB); B is small and differs in inputs, IR version and opsets.
const A = REAL.rec;
const B = model('optional.onnx');
const QUIET = { logSeverityLevel: 3 };
const identity = (s) => JSON.stringify({ inputs: s.inputNames, ir: s.modelMetadata.irVersion, opsets: s.modelMetadata.opsets });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const dir = mkdtempSync(join(tmpdir(), 'ortex-replaced-'));
let known;

test.before(async () => {
  known = {};
  for (const [name, path] of [
    ['A', A],
    ['B', B],
  ]) {
    const s = await InferenceSession.create(path, QUIET);
    assert.ok(s.modelMetadata.opsets.length > 0, `${name} has opsets`);
    known[identity(s)] = name;
    await s.release();
  }
  assert.is(Object.keys(known).length, 2, 'A and B are told apart by inputs, IR version and opsets');
});

/** Starts create(path), runs `change` after `delay` ms, and returns the session (or the coded error). */
async function createWhile(path, delay, change) {
  const creating = InferenceSession.create(path, QUIET);
  await sleep(delay);
  change();
  try {
    return { session: await creating };
  } catch (e) {
    assert.ok(isOrtexError(e, 'ERR_MODEL_LOAD'), `${e?.code}: ${e?.message}`);
    return { error: e };
  }
}

test('replaced by an atomic rename during create(): the metadata always describes the model that runs', async () => {
  const next = seeded(5);
  const seen = new Set();
  for (let round = 0; round < 16; round++) {
    const path = join(dir, `model-${round}.onnx`);
    const incoming = join(dir, `incoming-${round}.onnx`);
    copyFileSync(A, path);
    copyFileSync(B, incoming);
    const { session, error } = await createWhile(path, Math.floor(next() * 40), () => renameSync(incoming, path));
    assert.ok(session, `round ${round}: ${error?.message}`);
    const which = known[identity(session)];
    assert.ok(which, `round ${round}: the session's inputs and its metadata describe different models: ${identity(session)}`);
    seen.add(which);
    await session.release();
  }
  assert.ok(seen.size >= 1);
});

test('truncated or unlinked during create(): a coded error or a consistent session, never empty opsets', async () => {
  const next = seeded(6);
  for (let round = 0; round < 12; round++) {
    const path = join(dir, `cut-${round}.onnx`);
    copyFileSync(A, path);
    const size = statSync(path).size;
    const change = round % 2 ? () => truncateSync(path, Math.floor(size / 2)) : () => unlinkSync(path);
    const { session } = await createWhile(path, Math.floor(next() * 40), change);
    if (!session) continue;
    assert.is(known[identity(session)], 'A', `round ${round}: ${identity(session)}`);
    await session.release();
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
