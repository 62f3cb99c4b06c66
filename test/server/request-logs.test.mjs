// Request logs: at info (the default) an answered request writes nothing and a rejected one
// writes one line with its request id; at debug every answer is logged, with its id, status
// and time. Logs are captured from the server's real pino logger.
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IRIS, SERVER_URL, makeRepository, postJson, removeDir } from './helpers.mjs';

const repo = makeRepository({ 'iris/1': IRIS });
const { createServer } = await import(SERVER_URL);

async function serverLogging(level) {
  const lines = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const app = await createServer({ models: repo, processMetrics: false, logger: { level, stream } });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url, lines };
}

const good = { features: [5.1, 3.5, 1.4, 0.2] };

test('info: nothing per answered request; a rejected one is logged with its request id', async () => {
  const s = await serverLogging('info');
  try {
    const before = s.lines.length;
    for (let i = 0; i < 5; i++) assert.is((await postJson(`${s.url}/predict`, good, { 'x-request-id': `ok-${i}` })).status, 200);
    assert.is(s.lines.length, before, JSON.stringify(s.lines.slice(before)));
    assert.is((await postJson(`${s.url}/predict`, { features: [1] }, { 'x-request-id': 'bad-1' })).status, 400);
    const rejected = s.lines.slice(before);
    assert.is(rejected.length, 1);
    assert.equal([rejected[0].msg, rejected[0].requestId, rejected[0].code], ['request rejected', 'bad-1', 'ERR_INVALID_INPUT']);
  } finally {
    await s.app.close();
  }
});

test('debug: every answer is logged with request id, status and time', async () => {
  const s = await serverLogging('debug');
  try {
    const before = s.lines.length;
    assert.is((await postJson(`${s.url}/predict`, good, { 'x-request-id': 'dbg-1' })).status, 200);
    const answered = s.lines.slice(before).filter((l) => l.msg === 'request answered');
    assert.is(answered.length, 1);
    assert.is(answered[0].requestId, 'dbg-1');
    assert.is(answered[0].statusCode, 200);
    assert.is(answered[0].url, '/predict');
    assert.ok(answered[0].ms >= 0);
  } finally {
    await s.app.close();
  }
});

test.after(() => removeDir(repo));
test.run();
