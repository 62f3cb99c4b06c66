// Every Open Inference Protocol datatype, as JSON data and as binary tensor data, through a
// real server and an identity model of that type, compared with a direct session.run() on the
// same values (BYTES and BF16 included; BF16 is binary only).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor } from '../../dist/index.js';
import { OIP_DATATYPES } from '../../dist/server/index.js';
import { fromBfloat16Bits, toBfloat16Bits } from '../helpers/index.mjs';
import { makeRepository, model, postBinary, postJson, readBinary, removeDir, startServer } from './helpers.mjs';

// OIP datatype → [ortex type, JSON values for a [2, 3] tensor, their storage]
const f16 = [0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x8000]; // 1, -2, ~0.333, 65504, smallest subnormal, -0
const f16Value = (b) => {
  const e = (b >> 10) & 0x1f,
    m = b & 0x3ff,
    s = b & 0x8000 ? -1 : 1;
  return e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15);
};
const CASES = {
  BOOL: ['bool', [true, false, true, true, false, false], () => new Uint8Array([1, 0, 1, 1, 0, 0])],
  UINT8: ['uint8', [0, 1, 2, 127, 200, 255], (v) => Uint8Array.from(v)],
  UINT16: ['uint16', [0, 1, 65535, 300, 4, 5], (v) => Uint16Array.from(v)],
  UINT32: ['uint32', [0, 1, 4294967295, 7, 8, 9], (v) => Uint32Array.from(v)],
  UINT64: ['uint64', [0, 1, 2 ** 53 - 1, 7, 8, 9], (v) => BigUint64Array.from(v, BigInt)],
  INT8: ['int8', [-128, -1, 0, 1, 2, 127], (v) => Int8Array.from(v)],
  INT16: ['int16', [-32768, -1, 0, 1, 2, 32767], (v) => Int16Array.from(v)],
  INT32: ['int32', [-(2 ** 31), -1, 0, 1, 2, 2 ** 31 - 1], (v) => Int32Array.from(v)],
  INT64: ['int64', [-(2 ** 53 - 1), -1, 0, 1, 2, 2 ** 53 - 1], (v) => BigInt64Array.from(v, BigInt)],
  FP16: ['float16', f16.map(f16Value), () => Uint16Array.from(f16)],
  FP32: ['float32', [1.5, -2.25, 0, 3.140625, -1e-3, 1e20], (v) => Float32Array.from(v)],
  FP64: ['float64', [Math.PI, -Math.E, 0, 1e-300, -1e300, 0.1], (v) => Float64Array.from(v)],
  BYTES: ['string', ['', 'a', 'héllo', '日本語', 'with space', 'x'.repeat(300)], (v) => v],
  BF16: ['bfloat16', null, () => Uint16Array.from([1, -2, 0.5, 3.140625, -1e-3, 256].map(toBfloat16Bits))],
};

const layout = {};
for (const [, [type]] of Object.entries(CASES)) layout[`id_${type}/1`] = model(`identity_${type}.onnx`);
const repo = makeRepository(layout);
const server = await startServer({ models: repo, config: { defaults: { warmup: true } } });
const sessions = {};

/** What a direct run returns for this storage. */
async function direct(type, storage) {
  sessions[type] ??= await InferenceSession.create(model(`identity_${type}.onnx`));
  return (await sessions[type].run({ x: new Tensor(type, storage, [2, 3]) })).y;
}

function binaryOf(type, storage) {
  if (type !== 'string') return new Uint8Array(storage.buffer, storage.byteOffset, storage.byteLength);
  const parts = storage.map((s) => Buffer.from(s, 'utf8'));
  return Buffer.concat(
    parts.flatMap((p) => {
      const n = Buffer.alloc(4);
      n.writeUInt32LE(p.byteLength);
      return [n, p];
    }),
  );
}

test('the table covers every datatype of the protocol', () => {
  assert.equal(Object.keys(CASES).sort(), [...OIP_DATATYPES].sort());
});

for (const [oip, [type, values, storageOf]] of Object.entries(CASES)) {
  if (values) {
    test(`${oip} as JSON data round-trips like session.run()`, async () => {
      const expected = await direct(type, storageOf(values));
      const r = await postJson(`${server.url}/v2/models/id_${type}/infer`, {
        inputs: [{ name: 'x', shape: [2, 3], datatype: oip, data: values }],
      });
      assert.is(r.status, 200, JSON.stringify(r.body));
      const [out] = r.body.outputs;
      assert.is(out.datatype, oip);
      assert.equal(out.shape, [2, 3]);
      const want =
        type === 'bool'
          ? Array.from(expected.data, (v) => v !== 0)
          : type === 'float16'
            ? Array.from(expected.data, f16Value)
            : type === 'string'
              ? expected.data
              : Array.from(expected.data, Number);
      assert.equal(out.data, want);
    });
  }

  test(`${oip} as binary tensor data round-trips like session.run(), byte for byte`, async () => {
    const storage = storageOf(values);
    const expected = await direct(type, storage);
    const bytes = binaryOf(type, storage);
    const res = await postBinary(
      `${server.url}/v2/models/id_${type}/infer`,
      {
        inputs: [{ name: 'x', shape: [2, 3], datatype: oip, parameters: { binary_data_size: bytes.byteLength } }],
        outputs: [{ name: 'y', parameters: { binary_data: true } }],
      },
      [bytes],
    );
    const r = await readBinary(res);
    assert.is(r.status, 200, JSON.stringify(r.header));
    const [out] = r.header.outputs;
    assert.equal([out.datatype, out.shape, out.parameters.binary_data_size], [oip, [2, 3], r.binary.byteLength]);
    assert.equal([...r.binary], [...binaryOf(type, expected.data)]);
  });
}

test('BF16: JSON data is refused (binary only), and a BF16 output is sent binary even when not asked', async () => {
  const r = await postJson(`${server.url}/v2/models/id_bfloat16/infer`, {
    inputs: [{ name: 'x', shape: [2, 3], datatype: 'BF16', data: [1, 2, 3, 4, 5, 6] }],
  });
  assert.is(r.status, 400);
  assert.match(r.body.error, /binary tensor data for BF16/);
  const bits = Uint16Array.from([1, 2, 3, 4, 5, 6].map(toBfloat16Bits));
  const res = await postBinary(
    `${server.url}/v2/models/id_bfloat16/infer`,
    { inputs: [{ name: 'x', shape: [2, 3], datatype: 'BF16', parameters: { binary_data_size: 12 } }] },
    [bits],
  );
  const b = await readBinary(res);
  assert.is(b.status, 200);
  assert.is(b.header.outputs[0].parameters.binary_data_size, 12);
  const back = new Uint16Array(b.binary.buffer.slice(b.binary.byteOffset, b.binary.byteOffset + 12));
  assert.equal(Array.from(back, fromBfloat16Bits), [1, 2, 3, 4, 5, 6]);
});

test('JSON data may be nested row-major arrays', async () => {
  const r = await postJson(`${server.url}/v2/models/id_int32/infer`, {
    inputs: [
      {
        name: 'x',
        shape: [2, 3],
        datatype: 'INT32',
        data: [
          [1, 2, 3],
          [4, 5, 6],
        ],
      },
    ],
  });
  assert.equal(r.body.outputs[0].data, [1, 2, 3, 4, 5, 6]);
});

test.after(async () => {
  await server.close();
  for (const s of Object.values(sessions)) await s.release();
  removeDir(repo);
});
test.run();
