// Bad requests never reach a session: malformed JSON, wrong datatype, shape, length, names,
// oversize bodies and tensors each get a 400/413 naming what was wrong, and the server keeps
// serving.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IRIS, get, makeRepository, postBinary, postJson, removeDir, startServer } from './helpers.mjs';

const repo = makeRepository({ 'iris/1': IRIS, 'iris/config.yaml': 'limits:\n  maxElementsPerTensor: 400\n' });
const server = await startServer({ models: repo, config: { bodyLimitBytes: 4096 } });
const infer = `${server.url}/v2/models/iris/infer`;
const ok = { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] };
const withInput = (patch) => ({ inputs: [{ ...ok.inputs[0], ...patch }] });

async function rejected(res, status, message) {
  assert.is(res.status, status, JSON.stringify(res.body));
  assert.is(res.headers.get('content-type'), 'application/json');
  assert.match(res.body.error, message);
  assert.ok(res.headers.get('x-ortex-error-code'), 'the code travels in a header');
}

test('malformed JSON → 400 on infer and on /predict', async () => {
  await rejected(await postJson(infer, '{"inputs": ['), 400, /malformed JSON/);
  const p = await postJson(`${server.url}/predict`, '{"features": [1,');
  await rejected(p, 400, /malformed JSON/);
  assert.is(p.body.status, 'error');
});

test('request structure: missing inputs, bad shape entries → 400 from the schema', async () => {
  await rejected(await postJson(infer, { id: 'x' }), 400, /inputs/);
  await rejected(await postJson(infer, { inputs: [] }), 400, /inputs/);
  await rejected(await postJson(infer, withInput({ shape: [1, -4] })), 400, /shape/);
  await rejected(await postJson(infer, { inputs: [{ name: 'features', datatype: 'FP32', data: [1, 2, 3, 4] }] }), 400, /shape/);
});

test('wrong datatype, shape, length and name name the input', async () => {
  await rejected(
    await postJson(infer, withInput({ datatype: 'INT32', data: [1, 2, 3, 4] })),
    400,
    /expected datatype FP32 for input 'features', received datatype INT32/,
  );
  await rejected(await postJson(infer, withInput({ datatype: 'FP33' })), 400, /unknown datatype/);
  await rejected(
    await postJson(infer, withInput({ shape: [1, 5], data: [1, 2, 3, 4, 5] })),
    400,
    /expected shape \[-1,4\] for input 'features', received shape \[1,5\]/,
  );
  await rejected(await postJson(infer, withInput({ shape: [4] })), 400, /expected shape \[-1,4\]/);
  await rejected(
    await postJson(infer, withInput({ shape: [2, 4] })),
    400,
    /expected 8 elements \(shape \[2,4\]\) for the data of input 'features', received 4/,
  );
  await rejected(
    await postJson(infer, withInput({ data: [1, 2, 'x', 4] })),
    400,
    /expected a number for element 2 of input 'features', received string "x"/,
  );
  await rejected(await postJson(infer, withInput({ name: 'feature' })), 400, /one of the model's inputs \('features'\)/);
  await rejected(await postJson(infer, { inputs: [ok.inputs[0], ok.inputs[0]] }), 400, /each input once/);
  await rejected(await postJson(infer, withInput({ data: undefined })), 400, /data or parameters.binary_data_size/);
});

test('binary data: sizes that do not add up → 400', async () => {
  const x = new Float32Array(4);
  const header = (size) => ({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: size } }] });
  const read = async (res) => ({ status: res.status, headers: res.headers, body: await res.json() });
  await rejected(
    await read(await postBinary(infer, header(12), [x])),
    400,
    /12 bytes of binary tensor data after the JSON|expected 16 bytes/,
  );
  await rejected(await read(await postBinary(infer, header(32), [x])), 400, /32 bytes/);
  const res = await fetch(infer, {
    method: 'POST',
    headers: { 'inference-header-content-length': '999' },
    body: Buffer.from(JSON.stringify(ok)),
  });
  await rejected(await read(res), 400, /Inference-Header-Content-Length/);
});

test('too many elements in one tensor → 400 naming the limit', async () => {
  const rows = 101;
  const r = await postJson(infer, withInput({ shape: [rows, 4], data: new Array(rows * 4).fill(1) }));
  await rejected(r, 400, /at most 400 elements \(limits.maxElementsPerTensor\)/);
});

test('a body over bodyLimitBytes → 413, and the next request is served', async () => {
  const big = withInput({ shape: [300, 4], data: new Array(1200).fill(1.2345678) });
  await rejected(await postJson(infer, big), 413, /.+/);
  await rejected(await postJson(`${server.url}/predict`, { features: new Array(2000).fill(1.5) }), 413, /.+/);
  const r = await postJson(infer, ok);
  assert.is(r.status, 200);
});

test('empty infer body → 400', async () => {
  const res = await fetch(infer, { method: 'POST' });
  assert.is(res.status, 400);
  assert.match((await res.json()).error, /empty body/);
});

test('after all that, the server is healthy and metrics counted the rejections', async () => {
  assert.is((await get(`${server.url}/v2/health/ready`)).status, 200);
  const text = (await get(`${server.url}/metrics`)).body;
  const m = /ortex_requests_total\{model="iris",version="1",outcome="ERR_INVALID_INPUT"\} (\d+)/.exec(text);
  assert.ok(m && Number(m[1]) >= 10, `invalid-input outcomes counted: ${m?.[1]}`);
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});
test.run();
