// The dashboard in a real browser: Debian's chromium (driven by playwright-core, headless)
// against a real server on loopback with auth on, two Iris versions and a model that failed to
// load, under bounded load from a child process. Asserts what a user sees: the charts hold data
// read from the server and change over time, a bad request shows up under its error code, the
// drift and rollout panels show their state (or say there is none), a page without the token
// says 401 and takes one, and nothing breaks with no models or hundreds of versions.
// Skips with a message only where chromium is missing (.ci/run installs Debian's package).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findChromium, launchChromium } from '../../tools/chromium.mjs';
import { irisCsv } from '../../tools/iris-csv.mjs';
import { BIN, IRIS, ROOT, SERVER_URL, get, makeRepository, postJson, removeDir, startServer } from './helpers.mjs';

const CHROMIUM = findChromium();
const TOKEN = 'browser-token';
const ROW = [5.1, 3.5, 1.4, 0.2];
const inferBody = (rows) => ({ inputs: [{ name: 'features', datatype: 'FP32', shape: [rows.length, 4], data: rows.flat() }] });

if (!CHROMIUM) {
  test('the dashboard in chromium', () => {
    console.log('  skipped: no chromium binary (install Debian\'s "chromium" package, or set CHROMIUM_PATH)');
  });
} else {
  // Two Iris versions, monitored against the Iris data's profile (written by `ortex profile`), and
  // in a canary rollout where the server has rollouts (the rollout section is feature-detected
  // from the config schema, so the file runs on a server without them and then checks that the
  // panel says so).
  const { CONFIG_SCHEMAS } = await import(SERVER_URL);
  const ROLLOUTS = Boolean(CONFIG_SCHEMAS.model.properties.rollout);
  const config = [
    'versionPolicy: { all: true }',
    'monitoring: { minSamples: 50, window: { subWindows: 4, subWindowMs: 1000 } }',
    ...(ROLLOUTS ? ['rollout: { mode: canary, serving: "1", candidate: "2", percent: 30 }'] : []),
  ].join('\n');
  const repo = makeRepository({ 'iris/1': IRIS, 'iris/2': IRIS, 'iris/config.yaml': `${config}\n`, 'broken/1': IRIS });
  writeFileSync(join(repo, 'broken', '1', 'model.onnx'), 'not an onnx file');
  writeFileSync(join(repo, 'iris.csv'), irisCsv());
  for (const v of ['1', '2']) {
    const r = spawnSync(
      process.execPath,
      [BIN, 'profile', join(repo, 'iris.csv'), '--model', IRIS, '--out', join(repo, 'iris', v, 'profile.json')],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`ortex profile failed: ${r.stderr}`);
  }
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
          // /v1/models/iris/predict is routed (by the rollout where there is one, else to the newest version);
          // explicit v1 requests keep both versions busy either way.
          { path: '/v1/models/iris/predict', body: { features: [ROW] }, weight: 3 },
          { path: '/v2/models/iris/versions/1/infer', body: inferBody([ROW, ROW]), weight: 1 },
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

  test('the drift panel shows each feature against its threshold', async () => {
    // The load repeats one row: once the window holds minSamples rows, every feature has drifted.
    await page.waitForSelector('#drift tr[data-feature="petal_length"][data-drifted="true"]', { timeout: 15_000 });
    const drift = (await get(`${server.url}/v2/models/iris/drift`, { authorization: `Bearer ${TOKEN}` })).body;
    for (const f of drift.features) {
      const row = page.locator(`#drift tr[data-scope="inputs"][data-feature="${f.name}"]`);
      assert.is(await row.count(), 1, f.name);
      assert.match(await row.textContent(), new RegExp(`^${f.name}${f.statistic}`));
    }
    assert.ok((await page.locator('#drift tr[data-scope="outputs"]').count()) >= 1, 'output columns');
    assert.match(await page.locator('#drift [data-field="status"]').textContent(), /drift/);
  });

  test('the rollout panel shows the mode, the candidate and the decisions', async () => {
    await page.waitForFunction(() => window.ortexDashboard.rollout, null, { timeout: 10_000 });
    const text = await page.locator('#rollout').textContent();
    if (!ROLLOUTS) {
      assert.match(text, /No rollout for this model\./);
      console.log('  note: this server has no rollouts; the panel said so');
      return;
    }
    const state = (await get(`${server.url}/v2/models/iris/rollout`, { authorization: `Bearer ${TOKEN}` })).body;
    assert.is(await page.locator('#rollout [data-field="mode"]').textContent(), 'canary');
    assert.is(await page.locator('#rollout [data-field="serving"]').textContent(), '1');
    assert.match(await page.locator('#rollout [data-field="candidate"]').textContent(), /^2/);
    assert.match(text, /30 % to the candidate/);
    assert.ok(state.decisions.length >= 1);
    assert.ok((await page.locator('#rollout li[data-action="start"]').count()) >= 1, 'the start decision is listed');
    assert.is(await page.locator('#rollout tr[data-arm]').count(), 2, 'both arms');
    // A promotion through the API appears in the panel's decision history.
    const promoted = await postJson(`${server.url}/v2/models/iris/rollout/promote`, {}, { authorization: `Bearer ${TOKEN}` });
    assert.is(promoted.status, 200);
    await page.waitForSelector('#rollout li[data-action="promote"]', { timeout: 10_000 });
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
