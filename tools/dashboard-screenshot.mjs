#!/usr/bin/env node
// Takes docs/dashboard.png: a real server on loopback (auth on) with two Iris versions in a
// canary rollout, monitored against the Iris profile, under bounded load from a child process
// (Iris rows with petal_length shifted, so one feature drifts, and a few malformed requests),
// and the dashboard open in Debian's chromium. Not part of npm test; rerun after changing the page:
//   npm run build && node tools/dashboard-screenshot.mjs [--out docs/dashboard.png] [--seconds 12]
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findChromium, launchChromium } from './chromium.mjs';
import { irisCsv, irisRows } from './iris-csv.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { out: { type: 'string', default: join(ROOT, 'docs', 'dashboard.png') }, seconds: { type: 'string', default: '12' } },
});
const seconds = Number(args.seconds);
const chromium = findChromium();
if (!chromium) {
  console.error('dashboard-screenshot: no chromium binary (install Debian\'s "chromium" package, or set CHROMIUM_PATH)');
  process.exit(1);
}

const IRIS = join(ROOT, 'models', 'iris', '1', 'model.onnx');
const TOKEN = 'screenshot-token';
const repo = mkdtempSync(join(tmpdir(), 'ortex-dashboard-shot-'));
for (const v of ['1', '2']) {
  mkdirSync(join(repo, 'iris', v), { recursive: true });
  cpSync(IRIS, join(repo, 'iris', v, 'model.onnx'));
}
writeFileSync(join(repo, 'iris.csv'), irisCsv());
for (const v of ['1', '2']) {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'bin', 'ortex.js'), 'profile', join(repo, 'iris.csv'), '--model', IRIS, '--out', join(repo, 'iris', v, 'profile.json')],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`ortex profile failed: ${r.stderr}`);
}
writeFileSync(
  join(repo, 'iris', 'config.yaml'),
  [
    'versionPolicy: { latest: 2 }',
    'outputs: { probabilities: { labels: [setosa, versicolor, virginica] } }',
    'monitoring: { minSamples: 100, window: { subWindows: 5, subWindowMs: 1000 } }',
    'rollout:',
    '  mode: canary',
    '  serving: "1"',
    '  candidate: "2"',
    '  percent: 25',
    '  policy: { minRequests: 200, promoteAfterRequests: 1000000, promoteAfterSeconds: 3600, maxP99Ratio: 20, p99SlackMs: 50 }',
    '',
  ].join('\n'),
);

const { createServer } = await import(join(ROOT, 'dist', 'server', 'index.js'));
const app = await createServer({ models: repo, logger: false, config: { auth: { token: TOKEN }, watch: false } });
const url = await app.listen({ port: 0, host: '127.0.0.1' });

// Iris rows, petal_length × 1.5 on half of them: one feature drifts, the others hold.
const rows = irisRows().map((r) => r.slice(0, 4));
const requests = rows.flatMap((r, i) => [
  { path: '/v1/models/iris/predict', body: { features: [i % 2 ? r : [r[0], r[1], r[2] * 1.5, r[3]]] }, weight: 1 },
]);
requests.push({ path: '/v1/models/iris/predict', body: { features: [1, 2] }, weight: 0.5 });
requests.push({ path: '/v1/models/iris/predict', body: { features: ['a', 'b', 'c', 'd'] }, weight: 0.2 });
const load = spawn(
  process.execPath,
  [
    join(ROOT, 'tools', 'loopback-load.mjs'),
    JSON.stringify({ url, token: TOKEN, seconds: seconds + 5, concurrency: 4, pauseMs: 2, requests }),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);

const browser = await launchChromium(chromium);
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1500 }, deviceScaleFactor: 1 });
  await page.goto(`${url}/dashboard#token=${TOKEN}`);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  // A decision for the history: the candidate's traffic share changes through the API (the policy bounds are loose: a shared machine's p99 would roll it back).
  const put = await fetch(`${url}/v2/models/iris/rollout`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      mode: 'canary',
      serving: '1',
      candidate: '2',
      percent: 50,
      policy: { minRequests: 200, promoteAfterRequests: 1000000, promoteAfterSeconds: 3600, maxP99Ratio: 20, p99SlackMs: 50 },
    }),
  });
  if (put.status !== 200) console.error(`dashboard-screenshot: PUT rollout answered ${put.status}: ${await put.text()}`);
  await new Promise((r) => setTimeout(r, 4000));
  mkdirSync(dirname(args.out), { recursive: true });
  await page.screenshot({ path: args.out, fullPage: true });
  console.log(`dashboard-screenshot: ${args.out} (${await page.evaluate(() => window.ortexDashboard.polls)} polls)`);
} finally {
  load.kill('SIGTERM');
  await browser.close();
  await app.close();
  rmSync(repo, { recursive: true, force: true });
}
