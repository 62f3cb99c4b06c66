// The dashboard's routes over HTTP: with auth on, the page and its assets are public and the
// state needs the token (401 without, 200 with); uPlot is served byte for byte from the uplot
// package, with an ETag a browser revalidates against (304); only the listed assets are
// reachable; the page carries a strict Content-Security-Policy and its base URL follows the
// route prefix; `dashboard: false` removes every route.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IRIS, ROOT, get, makeRepository, removeDir, startServer } from './helpers.mjs';

const repo = makeRepository({ 'iris/1': IRIS });
const TOKEN = 'dash-token';
const server = await startServer({ models: repo, config: { auth: { token: TOKEN } } });
const auth = { authorization: `Bearer ${TOKEN}` };
const uplotDist = join(dirname(createRequire(join(ROOT, 'package.json')).resolve('uplot/package.json')), 'dist');

test('with auth on: the page and assets answer without a token, the state needs it', async () => {
  for (const path of ['/dashboard', '/dashboard/', '/dashboard/assets/dashboard.js', '/dashboard/assets/uPlot.iife.min.js']) {
    const r = await fetch(`${server.url}${path}`);
    assert.is(r.status, 200, path);
    await r.arrayBuffer();
  }
  const none = await get(`${server.url}/dashboard/api/state`);
  assert.is(none.status, 401);
  assert.is(none.headers.get('www-authenticate'), 'Bearer');
  assert.match(none.body.error, /expected an Authorization: Bearer <token> header, received none/);
  const wrong = await get(`${server.url}/dashboard/api/state`, { authorization: 'Bearer nope' });
  assert.is(wrong.status, 401);
  const right = await get(`${server.url}/dashboard/api/state`, auth);
  assert.is(right.status, 200);
  assert.equal(
    right.body.models.map((m) => m.name),
    ['iris'],
  );
  // The public flag is the dashboard's own: other routes still need the token.
  assert.is((await get(`${server.url}/v2/models/iris`)).status, 401);
  assert.is((await get(`${server.url}/dashboard/nothing-here`)).status, 401);
});

test('the page: HTML with a strict CSP, its base URL, and the scripts it loads', async () => {
  const r = await fetch(`${server.url}/dashboard`);
  assert.is(r.headers.get('content-type'), 'text/html; charset=utf-8');
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.is(r.headers.get('x-content-type-options'), 'nosniff');
  const html = await r.text();
  assert.match(html, /<base href="\/dashboard\/" \/>/);
  assert.match(html, /src="assets\/uPlot\.iife\.min\.js"/);
  assert.match(html, /src="assets\/dashboard\.js" type="module"/);
  assert.not.match(html, /https?:\/\//, 'nothing from elsewhere');
});

test("uPlot is the uplot package's own file, revalidated by ETag", async () => {
  for (const [name, type] of [
    ['uPlot.iife.min.js', 'text/javascript; charset=utf-8'],
    ['uPlot.min.css', 'text/css; charset=utf-8'],
  ]) {
    const r = await fetch(`${server.url}/dashboard/assets/${name}`);
    assert.is(r.status, 200);
    assert.is(r.headers.get('content-type'), type);
    assert.ok(Buffer.from(await r.arrayBuffer()).equals(readFileSync(join(uplotDist, name))), `${name} byte for byte`);
    const etag = r.headers.get('etag');
    assert.match(etag, /^"[\w-]{22}"$/);
    const again = await fetch(`${server.url}/dashboard/assets/${name}`, { headers: { 'if-none-match': etag } });
    assert.is(again.status, 304);
    assert.is((await again.arrayBuffer()).byteLength, 0);
  }
});

test('only the listed assets are reachable', async () => {
  for (const name of ['index.html', '..%2F..%2Fpackage.json', 'uPlot.cjs.js', 'constructor', '__proto__']) {
    const r = await get(`${server.url}/dashboard/assets/${name}`);
    assert.is(r.status, 404, name);
    assert.match(
      r.body.error,
      /^expected one of dashboard\.js, dashboard\.css, uPlot\.iife\.min\.js, uPlot\.min\.css for a dashboard asset/,
    );
  }
});

test('mounted under a prefix, the page points at its own base URL', async () => {
  const prefixed = await startServer({ models: repo, prefix: '/ml' });
  try {
    const html = await (await fetch(`${prefixed.url}/ml/dashboard`)).text();
    assert.match(html, /<base href="\/ml\/dashboard\/" \/>/);
    assert.is((await get(`${prefixed.url}/ml/dashboard/api/state`)).status, 200);
  } finally {
    await prefixed.close();
  }
});

test('dashboard: false → no dashboard routes (404), the rest unchanged', async () => {
  const off = await startServer({ models: repo, config: { dashboard: false } });
  try {
    for (const path of ['/dashboard', '/dashboard/api/state', '/dashboard/assets/dashboard.js']) {
      const r = await get(`${off.url}${path}`);
      assert.is(r.status, 404, path);
      assert.match(r.body.error, /expected a route of the ortex server/);
    }
    assert.is((await get(`${off.url}/v2/models/iris`)).status, 200);
  } finally {
    await off.close();
  }
});

test('the config schema takes dashboard as a boolean only (as `ortex serve --config` checks it)', async () => {
  const { checkConfig } = await import(new URL('../../dist/server/config.js', import.meta.url).href);
  assert.equal(checkConfig('server', { dashboard: false }, 'config'), { dashboard: false });
  assert.throws(
    () => checkConfig('server', { dashboard: 'yes' }, 'config'),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && /expected a boolean for dashboard of config, received string "yes"/.test(e.message),
  );
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});
test.run();
