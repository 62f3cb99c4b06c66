// Helpers for the server tests: a real server on a loopback port (port 0), a temporary model
// repository built from the project's test models, and small HTTP wrappers over fetch.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, model } from '../helpers/index.mjs';

export { ROOT, model };
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

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns truthy (or throws after `ms`). */
export async function waitFor(fn, ms = 10_000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
