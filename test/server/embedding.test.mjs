// ortexPlugin inside the user's own Fastify app (with a prefix), leaving the app's own parsers,
// routes and hooks alone; and the subpath export: `import 'ortex'` never loads the server's
// dependencies, `ortex/server` works from ESM and CommonJS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Fastify from 'fastify';
import { runNode } from '../helpers/index.mjs';
import { IRIS_DIR, SERVER_URL, postJson } from './helpers.mjs';

test('mounted with a prefix: /ml/predict serves, app.ortex controls it, the app keeps its own routes and parsers', async () => {
  const { ortexPlugin } = await import(SERVER_URL);
  const app = Fastify({ logger: false });
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => done(null, body.toUpperCase()));
  app.post('/echo', async (req) => ({ got: req.body }));
  await app.register(ortexPlugin, { models: IRIS_DIR, prefix: '/ml', processMetrics: false, config: { watch: false } });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const r = await postJson(`${url}/ml/predict`, { features: [5.1, 3.5, 1.4, 0.2] });
    assert.equal([r.status, r.body.prediction], [200, ['setosa']]);
    assert.ok(app.ortex.repository.get('iris'), 'app.ortex is the server control');
    const echo = await fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    assert.equal(await echo.json(), { got: 'HI' }, "the app's own parser still applies outside the plugin");
    const ready = await fetch(`${url}/ml/v2/health/ready`);
    assert.is(ready.status, 200);
  } finally {
    await app.close();
  }
  assert.is(app.ortex.repository.get('iris').versions.size, 1);
  assert.is([...app.ortex.repository.versions()][0].state, 'released', 'closing the app released the model');
});

test("import 'ortex' loads neither Fastify nor prom-client nor chokidar; 'ortex/server' does", async () => {
  const code = `
    import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    const loaded = () => Object.keys(require.cache).filter((k) => /node_modules\\/(fastify|prom-client|chokidar|yaml)\\//.test(k)).length;
    await import('ortex');
    const afterCore = loaded();
    const server = await import('ortex/server');
    console.log(JSON.stringify({ afterCore, afterServer: loaded(), createServer: typeof server.createServer }));`;
  const r = await runNode(code);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  assert.is(out.afterCore, 0, 'core import loads no server dependency');
  assert.ok(out.afterServer > 0);
  assert.is(out.createServer, 'function');
});

test("require('ortex/server') works from CommonJS", async () => {
  const r = await runNode(`import { createRequire } from 'node:module';
    const require = createRequire(process.cwd() + '/x.cjs');
    const s = require('ortex/server');
    console.log(typeof s.createServer, typeof s.ortexPlugin);`);
  assert.is(r.stdout.trim(), 'function function', r.stderr);
});

test.run();
