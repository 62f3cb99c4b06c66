// Optional bearer-token auth: missing or wrong token → 401 with WWW-Authenticate; the right
// one passes; health endpoints stay public for probes; a token file works.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IRIS, get, makeRepository, postJson, removeDir, startServer } from './helpers.mjs';

const repo = makeRepository({ 'iris/1': IRIS });
const tokenFile = join(repo, 'token');
writeFileSync(tokenFile, 's3cret-token\n');
const server = await startServer({ models: repo, config: { auth: { tokenFile } } });
const body = { features: [5.1, 3.5, 1.4, 0.2] };

test('no token → 401 {"error"} with WWW-Authenticate: Bearer', async () => {
  for (const r of [
    await postJson(`${server.url}/predict`, body),
    await get(`${server.url}/v2/models/iris`),
    await get(`${server.url}/metrics`),
  ]) {
    assert.is(r.status, 401);
    assert.is(r.headers.get('www-authenticate'), 'Bearer');
    assert.match(r.body.error, /expected an Authorization: Bearer <token> header, received none/);
  }
});

test('wrong token or scheme → 401', async () => {
  const wrong = await postJson(`${server.url}/predict`, body, { authorization: 'Bearer nope' });
  assert.is(wrong.status, 401);
  assert.match(wrong.body.error, /received a different one/);
  const basic = await postJson(`${server.url}/predict`, body, { authorization: 'Basic czNjcmV0' });
  assert.is(basic.status, 401);
});

test('the right token passes', async () => {
  const r = await postJson(`${server.url}/predict`, body, { authorization: 'Bearer s3cret-token' });
  assert.is(r.status, 200);
  assert.equal(r.body.prediction, ['setosa']);
});

test('health stays public (Kubernetes probes carry no token)', async () => {
  assert.is((await get(`${server.url}/v2/health/live`)).status, 200);
  assert.is((await get(`${server.url}/v2/health/ready`)).status, 200);
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});
test.run();
