// Traffic and control helpers for the rollout tests: v2 infer requests (whose answers name the
// version that computed them), bounded concurrent load, and the rollout endpoints.
import { get } from './helpers.mjs';

/** Rows of Fisher's Iris data a little apart (setosa, versicolor, virginica, ...). */
export const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [7.0, 3.2, 4.7, 1.4],
  [6.3, 3.3, 6.0, 2.5],
  [4.9, 3.0, 1.4, 0.2],
  [6.4, 3.2, 4.5, 1.5],
  [5.8, 2.7, 5.1, 1.9],
];

export const inferBody = (row, parameters) => ({
  inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: row }],
  ...(parameters ? { parameters } : {}),
});

/**
 * Sends `count` v2 infer requests, `concurrency` at a time; `make(i)` gives `{ body, headers, path }`
 * (path defaults to the model's infer URL). Resolves to one `{ i, status, version, body, ms }` per request.
 */
export async function send(url, count, make, { concurrency = 8, model = 'iris' } = {}) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const { body, headers = {}, path = `/v2/models/${model}/infer` } = make(i);
      const t0 = performance.now();
      try {
        const res = await fetch(`${url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        let parsed = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        results[i] = { i, status: res.status, version: parsed?.model_version, body: parsed, text, ms: performance.now() - t0 };
      } catch (e) {
        results[i] = { i, status: 0, error: e.message, ms: performance.now() - t0 };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

export async function putRollout(url, spec, model = 'iris', headers = {}) {
  const res = await fetch(`${url}/v2/models/${model}/rollout`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(spec),
  });
  return { status: res.status, body: await res.json() };
}

export async function command(url, what, model = 'iris', headers = {}) {
  const res = await fetch(`${url}/v2/models/${model}/rollout/${what}`, { method: 'POST', headers });
  return { status: res.status, body: await res.json() };
}

export async function rolloutState(url, model = 'iris') {
  return (await get(`${url}/v2/models/${model}/rollout`)).body;
}

export const countBy = (list, key) => {
  const out = {};
  for (const x of list) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
};

/** Nearest-rank percentile of numbers. */
export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}

/**
 * Keeps `concurrency` request loops going until `done(state)` holds for the rollout state (polled
 * every 25 ms) or `max` requests were sent; then sends `after` more. Resolves to
 * `{ results, state }`: every answer, and the state that ended the load.
 */
export async function loadUntil(url, done, { max = 5000, concurrency = 8, after = 0, make } = {}) {
  const request = make ?? ((i) => ({ body: inferBody(ROWS[i % ROWS.length]) }));
  const results = [];
  let sent = 0;
  let stop = false;
  let state;
  const poller = (async () => {
    while (!stop) {
      state = await rolloutState(url);
      if (done(state)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    stop = true;
  })();
  const workers = Array.from({ length: concurrency }, async () => {
    while (!stop && sent < max) {
      const i = sent++;
      const [r] = await send(url, 1, () => request(i), { concurrency: 1 });
      results.push({ ...r, i });
    }
  });
  await Promise.all(workers);
  stop = true;
  await poller;
  state = await rolloutState(url);
  if (after > 0) results.push(...(await send(url, after, request, { concurrency })).map((r) => ({ ...r, after: true })));
  return { results, state };
}
