// Helpers for the server tests: a real server on a loopback port (port 0), a temporary model
// repository built from the project's test models, and small HTTP wrappers over fetch.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, model, sleep, waitFor } from '../helpers/index.mjs';

export { ROOT, model, sleep, waitFor };
export const SERVER_URL = new URL('../../dist/server/index.js', import.meta.url).href;
export const IRIS_DIR = join(ROOT, 'models', 'iris');
export const IRIS = join(IRIS_DIR, '1', 'model.onnx');
export const BIN = join(ROOT, 'bin', 'ortex.js');

/**
 * A temporary repository: `layout` maps "<model>/<version>" to a source .onnx path, and
 * "<model>/config.yaml" (or any other file) to its text. Returns its path.
 */
export function makeRepository(layout) {
  const dir = mkdtempSync(join(tmpdir(), 'ortex-repo-'));
  for (const [key, value] of Object.entries(layout)) addToRepository(dir, key, value);
  return dir;
}

export function addToRepository(dir, key, value) {
  if (/\/\d+$/.test(key)) {
    mkdirSync(join(dir, key), { recursive: true });
    cpSync(value, join(dir, key, 'model.onnx'));
  } else {
    mkdirSync(dirname(join(dir, key)), { recursive: true });
    writeFileSync(join(dir, key), value);
  }
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** Starts createServer({ models, ...options }) on 127.0.0.1:0; returns { app, url, close }. */
export async function startServer(options) {
  const { createServer } = await import(SERVER_URL);
  const app = await createServer({ logger: false, processMetrics: false, ...options });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: address, close: () => app.close() };
}

/** POST JSON; resolves to { status, headers, body (parsed JSON or text) }. */
export async function postJson(url, value, headers = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof value === 'string' ? value : JSON.stringify(value),
  });
  return read(res);
}

export async function get(url, headers = {}) {
  return read(await fetch(url, { headers }));
}

async function read(res) {
  const text = await res.text();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body };
}

/** A binary-extension infer request: JSON header + raw buffers; returns the fetch Response. */
export function postBinary(url, header, buffers, { contentType = 'application/octet-stream', headers = {} } = {}) {
  const json = Buffer.from(JSON.stringify(header));
  const body = Buffer.concat([json, ...buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))]);
  const h = { 'inference-header-content-length': String(json.byteLength), ...headers };
  if (contentType) h['content-type'] = contentType;
  return fetch(url, { method: 'POST', headers: h, body });
}

/** Splits a binary-extension answer into its JSON header and binary part. */
export async function readBinary(res) {
  const buf = Buffer.from(await res.arrayBuffer());
  const n = Number(res.headers.get('inference-header-content-length') ?? buf.byteLength);
  return { status: res.status, headers: res.headers, header: JSON.parse(buf.subarray(0, n).toString('utf8')), binary: buf.subarray(n) };
}

/** The value of one Prometheus sample in `/metrics` text (undefined when absent); `labels` must all match. */
export function metricValue(text, name, labels = {}) {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^([^{ ]+)(?:\{(.*)\})? (.+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === String(v))) return Number(m[3]);
  }
  return undefined;
}

/**
 * A real HTTP receiver on 127.0.0.1:0 for webhook tests: records every request's JSON body and
 * answers `status()` (default 200). Returns { url, received, close }.
 */
export async function startReceiver(status = () => 200) {
  const { createServer } = await import('node:http');
  const received = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      let json;
      try {
        json = JSON.parse(body);
      } catch {
        json = body;
      }
      received.push({ method: req.method, url: req.url, headers: req.headers, body: json });
      res.statusCode = status(received.length);
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/retrain`,
    received,
    close: () => new Promise((r) => server.close(r)),
  };
}

/**
 * A repository serving the Iris model with monitoring: iris.csv (Fisher's 150 rows), then
 * `ortex schema` and `ortex profile` on it, as the README walkthrough does; the schema and
 * profile ship with version 1. `monitoring` is the config's monitoring section (YAML-able object).
 * Returns { repo, csv, schemaPath }.
 */
export async function irisMonitoringRepository(monitoring, extraConfig = {}) {
  const { spawnSync } = await import('node:child_process');
  const { irisCsv } = await import('../../tools/iris-csv.mjs');
  const repo = makeRepository({ 'iris/1': IRIS });
  const csv = join(repo, 'iris.csv');
  writeFileSync(csv, irisCsv());
  const v1 = join(repo, 'iris', '1');
  for (const args of [
    ['schema', csv, '--model', IRIS, '--out', join(v1, 'schema.json')],
    ['profile', csv, '--model', IRIS, '--schema', join(v1, 'schema.json'), '--out', join(v1, 'profile.json')],
  ]) {
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ortex ${args[0]} failed: ${r.stderr}`);
  }
  writeFileSync(
    join(repo, 'iris', 'config.yaml'),
    JSON.stringify({ outputs: { probabilities: { labels: ['setosa', 'versicolor', 'virginica'] } }, monitoring, ...extraConfig }),
  );
  return { repo, csv, schemaPath: join(v1, 'schema.json') };
}

export { irisTraffic } from '../../tools/iris-traffic.mjs';
