// /metrics: Prometheus text collected at scrape time, every model metric labelled by model and
// version, histograms consistent with the requests made, and prom-client's process metrics.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IRIS, get, makeRepository, postJson, removeDir, SERVER_URL } from './helpers.mjs';

const repo = makeRepository({ 'iris/1': IRIS });
const { createServer } = await import(SERVER_URL);
const app = await createServer({ models: repo, logger: false });
const url = await app.listen({ port: 0, host: '127.0.0.1' });

function sample(text, name, labels) {
  const escaped = labels.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${name}\\{${escaped}\\} ([0-9.e+-]+)$`, 'm');
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
}

test('request counts, duration, queue, compute and batch-size histograms after N requests', async () => {
  const n = 40;
  await Promise.all(Array.from({ length: n }, () => postJson(`${url}/predict`, { features: [5.1, 3.5, 1.4, 0.2] })));
  await postJson(`${url}/predict`, { features: [1] });
  const r = await get(`${url}/metrics`);
  assert.is(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0.0.4/);
  const t = r.body;
  const l = 'model="iris",version="1"';
  assert.is(sample(t, 'ortex_requests_total', `${l},outcome="success"`), n);
  assert.is(sample(t, 'ortex_requests_total', `${l},outcome="ERR_INVALID_INPUT"`), 1);
  assert.is(sample(t, 'ortex_request_duration_seconds_count', l), n + 1);
  assert.is(sample(t, 'ortex_request_duration_seconds_bucket', `${l},le="+Inf"`), n + 1);
  // The batcher saw the warm-up run plus the n valid requests.
  assert.is(sample(t, 'ortex_queue_duration_seconds_count', l), n + 1);
  const batches = sample(t, 'ortex_batch_size_count', l);
  assert.ok(batches >= 1 && batches <= n + 1, `batches ${batches}`);
  assert.is(sample(t, 'ortex_batch_size_sum', l), n + 1, 'rows add up');
  assert.is(sample(t, 'ortex_compute_duration_seconds_count', l), batches);
  assert.is(sample(t, 'ortex_queue_depth', l), 0);
  assert.is(sample(t, 'ortex_inflight_requests', l), 0);
  assert.is(sample(t, 'ortex_model_ready', l), 1);
  assert.is(sample(t, 'ortex_model_loads_total', 'model="iris"'), 1);
  assert.is(sample(t, 'ortex_model_load_failures_total', 'model="iris"'), 0);
  // Buckets are cumulative and end at the count.
  const buckets = [...t.matchAll(/^ortex_request_duration_seconds_bucket\{[^}]*le="([^"]+)"\} (\d+)$/gm)].map((m) => Number(m[2]));
  assert.ok(
    buckets.every((v, i) => i === 0 || v >= buckets[i - 1]),
    'monotone buckets',
  );
  assert.match(t, /^# TYPE ortex_requests_total counter$/m);
  assert.match(t, /^# TYPE ortex_request_duration_seconds histogram$/m);
});

test('prom-client default process metrics are there', async () => {
  const t = (await get(`${url}/metrics`)).body;
  assert.match(t, /^process_cpu_user_seconds_total /m);
  assert.match(t, /^nodejs_eventloop_lag_p99_seconds /m);
});

test.after(async () => {
  await app.close();
  removeDir(repo);
});
test.run();
