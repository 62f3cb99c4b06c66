// Binary infer bodies are read into one buffer with the tensor data aligned after the JSON
// header, whatever the header's length: the decoded tensor is a view over the body (no copy),
// with a Content-Length and with chunked encoding alike, and the answer is the model's. The
// body limit holds for chunked bodies too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IRIS, makeRepository, postJson, readBinary, removeDir, startServer } from './helpers.mjs';

const LIMIT = 4096;
const seen = [];
const repo = makeRepository({ 'iris/1': IRIS });
const server = await startServer({
  models: repo,
  config: { bodyLimitBytes: LIMIT },
  observers: [{ beforeRun: (e) => seen.push(e.feeds.features.data) }],
});
const infer = `${server.url}/v2/models/iris/infer`;
const features = new Float32Array([5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3]);

/** A header whose JSON is `extra` bytes longer (through the id), and the body with the two rows after it. */
function body(extra) {
  const header = Buffer.from(
    JSON.stringify({
      id: 'x'.repeat(extra),
      inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: features.byteLength } }],
      outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
    }),
  );
  return { header, bytes: Buffer.concat([header, Buffer.from(features.buffer)]) };
}

/** A ReadableStream of `bytes` in pieces of `size`: fetch sends it with chunked encoding (no Content-Length). */
function chunked(bytes, size) {
  let off = 0;
  return new ReadableStream({
    pull(c) {
      if (off >= bytes.byteLength) return c.close();
      c.enqueue(new Uint8Array(bytes.subarray(off, off + size)));
      off += size;
    },
  });
}

const post = (header, content, extra = {}) =>
  fetch(infer, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.byteLength) },
    body: content,
    ...extra,
  });

const expected = (await postJson(infer, { inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', data: [...features] }] })).body
  .outputs[0].data;

test('every header length: the tensor is an aligned view over the body, and the answer is the model’s', async () => {
  for (const send of ['content-length', 'chunked']) {
    for (let extra = 0; extra < 8; extra++) {
      const { header, bytes } = body(extra);
      seen.length = 0;
      const res = await readBinary(
        await post(header, send === 'chunked' ? chunked(bytes, 7) : bytes, send === 'chunked' ? { duplex: 'half' } : {}),
      );
      assert.is(res.status, 200, `${send}, header of ${header.byteLength} bytes`);
      const data = seen[0];
      assert.is(data.byteOffset % 8, 0, `${send}: aligned (header of ${header.byteLength} bytes)`);
      // A copy would start at 0 in a buffer of its own 32 bytes; a view starts after the header.
      assert.ok(data.byteOffset >= header.byteLength && data.buffer.byteLength >= bytes.byteLength, `${send}: a view over the body`);
      assert.equal([...data], [...features]);
      const probabilities = new Float32Array(res.binary.buffer.slice(res.binary.byteOffset, res.binary.byteOffset + res.binary.byteLength));
      assert.equal([...probabilities], expected);
    }
  }
});

test('a chunked body over bodyLimitBytes → 413, and the next request is served', async () => {
  const big = Buffer.alloc(LIMIT + 1, 0x20);
  const res = await post(Buffer.alloc(2), chunked(big, 1000), { duplex: 'half' });
  assert.is(res.status, 413);
  assert.match((await res.json()).error, /.+/);
  const { header, bytes } = body(3);
  assert.is((await post(header, bytes)).status, 200);
});

test('a body shorter than its binary_data_size → 400 naming the input', async () => {
  const { header, bytes } = body(1);
  const res = await post(header, chunked(bytes.subarray(0, bytes.byteLength - 4), 64), { duplex: 'half' });
  assert.is(res.status, 400);
  assert.match((await res.json()).error, /input 'features'/);
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});
test.run();
