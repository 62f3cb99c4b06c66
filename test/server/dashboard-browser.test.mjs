// The dashboard in a real browser: Debian's chromium (driven by playwright-core, headless)
// against a real server on loopback with auth on, two Iris versions and a model that failed to
// load, under bounded load from a child process. Asserts what a user sees: the charts hold data
// read from the server and change over time, a bad request shows up under its error code, the
// drift and rollout panels show their state (or say there is none), a page without the token
// says 401 and takes one, and nothing breaks with no models or hundreds of versions.
// Skips with a message only where chromium is missing (.ci/run installs Debian's package).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findChromium, launchChromium } from '../../tools/chromium.mjs';
import { IRIS, ROOT, get, makeRepository, postJson, removeDir, startServer } from './helpers.mjs';

const CHROMIUM = findChromium();
const TOKEN = 'browser-token';
const ROW = [5.1, 3.5, 1.4, 0.2];
const inferBody = (rows) => ({ inputs: [{ name: 'features', datatype: 'FP32', shape: [rows.length, 4], data: rows.flat() }] });

if (!CHROMIUM) {
  test('the dashboard in chromium', () => {
    console.log('  skipped: no chromium binary (install Debian\'s "chromium" package, or set CHROMIUM_PATH)');
  });
} else {
  const repo = makeRepository({
    'iris/1': IRIS,
    'iris/2': IRIS,
    'iris/config.yaml': 'versionPolicy: { all: true }\n',
    'broken/1': IRIS,
  });
  writeFileSync(join(repo, 'broken', '1', 'model.onnx'), 'not an onnx file');
  const server = await startServer({ models: repo, config: { auth: { token: TOKEN } } });
  const browser = await launchChromium(CHROMIUM);
  const pageErrors = [];
  const open = async (path, context) => {
    const page = await (context ?? browser).newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}${path}`);
    return page;
  };

  // Bounded load on both versions from a child process, for the length of the file's tests.
  const load = spawn(
    process.execPath,
    [
      join(ROOT, 'tools', 'loopback-load.mjs'),
      JSON.stringify({
        url: server.url,
        token: TOKEN,
        seconds: 25,
        concurrency: 3,
        pauseMs: 2,
        requests: [
          { path: '/v2/models/iris/versions/1/infer', body: inferBody([ROW]), weight: 3 },
          { path: '/v2/models/iris/versions/2/infer', body: inferBody([ROW, ROW]), weight: 1 },
        ],
      }),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let loadReport = '';
  load.stdout.on('data', (d) => {
    loadReport += d;
  });
  const loadDone = new Promise((resolve) => load.on('exit', resolve));

  const page = await open(`/dashboard#token=${TOKEN}`);
  /** What the charts hold now, read from the uPlot instances. */
  const readCharts = () =>
    page.evaluate(() => {
      const d = window.ortexDashboard;
      const series = (name) => {
        const u = d.charts[name];
        if (!u) return null;
        return { labels: u.series.slice(1).map((s) => s.label), data: u.data.map((col) => [...col]) };
      };
      return { polls: d.polls, rate: series('rate'), latency: series('latency'), batch: series('batch'), errors: series('errors') };
    });
  const lastNonNull = (col) => [...col].reverse().find((v) => v !== null && v !== undefined);

  test('the token in the fragment is kept for the tab and taken out of the address', async () => {
    await page.waitForFunction(() => window.ortexDashboard.polls >= 1, null, { timeout: 15_000 });
    assert.is(await page.evaluate(() => location.hash), '');
    assert.is(await page.evaluate(() => sessionStorage.getItem('ortex.dashboard.token')), TOKEN);
    assert.ok(await page.locator('#auth').isHidden(), 'no auth banner');
  });

  test('the charts render data from the server under load', async () => {
    await page.waitForFunction(
      () => {
        const u = window.ortexDashboard.charts.rate;
        return u && u.data[0].length >= 3 && u.data.slice(1).every((col) => col[col.length - 1] > 0);
      },
      null,
      { timeout: 20_000 },
    );
    const c = await readCharts();
    assert.equal(c.rate.labels, ['v1', 'v2']);
    assert.ok(c.rate.data[0].length >= 3, 'points');
    for (const col of c.rate.data.slice(1)) assert.ok(lastNonNull(col) > 0, `rate ${col}`);
    assert.equal(c.latency.labels, ['v1 p50', 'v1 p90', 'v1 p99', 'v2 p50', 'v2 p90', 'v2 p99']);
    for (const col of c.latency.data.slice(1)) assert.ok(lastNonNull(col) > 0, `latency ${col}`);
    const [v1p50, , v1p99] = c.latency.data.slice(1).map(lastNonNull);
    assert.ok(v1p50 <= v1p99, 'p50 ≤ p99');
    for (const col of c.batch.data.slice(1)) assert.ok(lastNonNull(col) >= 1, `rows per batch ${col}`);
    // The table shows both versions and the failed model with its reason.
    assert.is(await page.locator('#models tr[data-model="iris"]').count(), 2);
    const broken = await page.locator('#models tr[data-model="broken"]').textContent();
    assert.match(broken, /unavailable/);
    const fig = await page.locator('[data-chart="rate"]').getAttribute('data-points');
    assert.ok(Number(fig) >= 3);
  });

  test('the charts update over time', async () => {
    const a = await readCharts();
    await page.waitForFunction((n) => window.ortexDashboard.polls >= n + 2, a.polls, { timeout: 10_000 });
    const b = await readCharts();
    assert.ok(b.rate.data[0].length > a.rate.data[0].length, 'more points');
    assert.ok(b.rate.data[0].at(-1) > a.rate.data[0].at(-1), 'later time');
    assert.not.equal(b.rate.data[1].slice(-3), a.rate.data[1].slice(-3), 'new values');
  });

  test('a bad request shows up under its error code', async () => {
    const r = await postJson(`${server.url}/v2/models/iris/versions/1/infer`, inferBody([[1, 2]]), { authorization: `Bearer ${TOKEN}` });
    assert.is(r.status, 400);
    await page.waitForSelector('#errors tr[data-code="ERR_INVALID_INPUT"]', { timeout: 10_000 });
    const row = await page.locator('#errors tr[data-code="ERR_INVALID_INPUT"]').textContent();
    assert.match(row, /v1/);
    const c = await readCharts();
    const i = c.errors.labels.indexOf('ERR_INVALID_INPUT');
    assert.ok(i >= 0, `errors chart series ${c.errors.labels}`);
    assert.ok(
      c.errors.data[i + 1].some((v) => v > 0),
      'a nonzero error rate was drawn',
    );
  });

  test('the drift and rollout panels show their state, or that there is none', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const rollout = await get(`${server.url}/v2/models/iris/rollout`, auth);
    const drift = await get(`${server.url}/v2/models/iris/drift`, auth);
    await page.waitForFunction(() => window.ortexDashboard.rollout && window.ortexDashboard.drift, null, { timeout: 10_000 });
    const rolloutText = await page.locator('#rollout').textContent();
    const driftText = await page.locator('#drift').textContent();
    if (rollout.status === 404) assert.match(rolloutText, /No rollout for this model\./);
    else {
      assert.is(rollout.status, 200);
      assert.is(await page.locator('#rollout [data-field="mode"]').textContent(), rollout.body.mode);
    }
    if (drift.status === 404) assert.match(driftText, /No monitoring \(drift report\) for this model\./);
    else assert.is(drift.status, 200);
  });

  test('without a token the page says 401 and takes one', async () => {
    const context = await browser.newContext();
    try {
      const bare = await open('/dashboard', context);
      await bare.waitForSelector('#auth:not([hidden])', { timeout: 10_000 });
      assert.match(await bare.locator('#auth-message').textContent(), /needs a bearer token .*\(401\).*expected an Authorization: Bearer/);
      assert.match(await bare.locator('#status').textContent(), /401/);
      await bare.fill('#auth-token', TOKEN);
      await bare.click('#auth-form button');
      await bare.waitForFunction(() => window.ortexDashboard.polls >= 1, null, { timeout: 10_000 });
      assert.ok(await bare.locator('#auth').isHidden());
    } finally {
      await context.close();
    }
  });

  test('no models: the page says so', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ortex-empty-'));
    const other = await startServer({ models: empty });
    try {
      const p = await browser.newPage();
      p.on('pageerror', (e) => pageErrors.push(e.message));
      await p.goto(`${other.url}/dashboard`);
      await p.waitForFunction(() => window.ortexDashboard.polls >= 1, null, { timeout: 10_000 });
      assert.match(await p.locator('#models').textContent(), /No models are served\./);
      assert.match(await p.locator('#charts-note').textContent(), /No models are served\./);
      await p.close();
    } finally {
      await other.close();
      removeDir(empty);
    }
  });

  test('hundreds of versions: the table lists them all, the charts the newest six', async () => {
    // The page is fed a recorded shape with 300 versions (loading 300 sessions here would only
    // test the machine): the same fields the server answers, from the live state above.
    const live = (await get(`${server.url}/dashboard/api/state`, { authorization: `Bearer ${TOKEN}` })).body;
    const template = live.models.find((m) => m.name === 'iris').versions[0];
    const many = { ...live.models.find((m) => m.name === 'iris'), name: 'many' };
    many.versions = Array.from({ length: 300 }, (_, i) => ({ ...template, version: String(i + 1) }));
    const p = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    p.on('pageerror', (e) => pageErrors.push(e.message));
    await p.route('**/dashboard/api/state', (route) =>
      route.fulfill({ contentType: 'application/json', body: JSON.stringify({ ...live, time: new Date().toISOString(), models: [many] }) }),
    );
    await p.goto(`${server.url}/dashboard#token=${TOKEN}`);
    await p.waitForFunction(() => window.ortexDashboard.polls >= 2, null, { timeout: 10_000 });
    assert.is(await p.locator('#models tr[data-model="many"]').count(), 300);
    assert.is(await p.evaluate(() => window.ortexDashboard.charts.rate.series.length - 1), 6);
    assert.match(await p.locator('#charts-note').textContent(), /newest 6 versions; 294 more are in the table/);
    await p.close();
  });

  test('no page errors', () => {
    assert.equal(pageErrors, []);
  });

  test.after(async () => {
    load.kill('SIGTERM');
    await loadDone;
    if (loadReport) console.log(`  load: ${loadReport.trim()}`);
    await browser.close();
    await server.close();
    removeDir(repo);
  });
}
test.run();
