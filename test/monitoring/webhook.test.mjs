// The retraining webhook against a real HTTP receiver on loopback: it fires once drift has held for
// holdMs, at most once per cool-down, never on fewer than minSamples rows; it retries 5xx with
// exponential backoff, gives up cleanly (after the retries, or at once on a 4xx), and never blocks,
// fails or throws into observe() — not even with a receiver that never answers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Monitor } from '../../dist/monitoring/index.js';
import { profileOf, SYNTHETIC, syntheticRows } from './helpers.mjs';

const profile = await profileOf(SYNTHETIC.schema, syntheticRows(1)(1000));
const shifted = syntheticRows(2, { normal: { shift: 2 }, skewed: { shift: 2 }, uniform: { shift: 1 } });

// Receivers and monitors close after each test, passed or failed, so a failure cannot hang the file.
const cleanups = [];
test.after.each(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A loopback receiver answering from a list of statuses (the last one repeats); null = never answer. */
async function receiver(statuses = [200]) {
  const hits = [];
  const hanging = new Set();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ at: performance.now(), body: JSON.parse(body), headers: req.headers });
      const status = statuses[Math.min(hits.length - 1, statuses.length - 1)];
      if (status === null) return hanging.add(res);
      res.writeHead(status, { 'content-type': 'text/plain', ...(status === 429 ? { 'retry-after': '0' } : {}) }).end('ok');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  let closed;
  const close = () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    closed ??= new Promise((r) => server.close(() => r()));
    return closed;
  };
  cleanups.push(close);
  return { url: `http://127.0.0.1:${server.address().port}/retrain`, hits, close };
}

function monitorWith(trigger, clock) {
  const m = new Monitor({
    model: 'iris',
    version: '7',
    schema: SYNTHETIC.schema,
    profile,
    window: { subWindows: 2, subWindowRows: 100 },
    minSamples: 200,
    trigger,
    now: () => clock.now,
  });
  const results = [];
  m.on('trigger-result', (r) => results.push(r));
  cleanups.push(() => m.close());
  return { m, results };
}

const feed = (m, n = 100) => m.observe(shifted(n));

test('fires once drift has held for holdMs, then at most once per cool-down', async () => {
  const rx = await receiver();
  const clock = { now: 1_000_000 };
  const { m, results } = monitorWith(
    { holdMs: 5000, cooldownMs: 60_000, webhook: { url: rx.url, headers: { authorization: 'Bearer t' } } },
    clock,
  );
  feed(m);
  clock.now += 1000;
  feed(m); // the window holds 200 rows: judged, drifted; drift began now
  const onset = clock.now;
  assert.ok(m.report().drifted);
  await m.settled();
  assert.is(rx.hits.length, 0, 'not before holdMs');
  clock.now += 6000;
  feed(m);
  await m.settled();
  assert.is(rx.hits.length, 1, 'fired after holding 6 s');
  const p = rx.hits[0].body;
  assert.is(p.model, 'iris');
  assert.is(p.version, '7');
  assert.is(p.reason, 'drift');
  assert.ok(p.drifted.features.includes('normal') && p.drifted.features.includes('skewed'));
  assert.is(p.window.rows, 200);
  assert.ok(Date.parse(p.window.start) < Date.parse(p.window.end));
  assert.is(p.driftSince, new Date(onset).toISOString());
  assert.is(p.firedAt, new Date(onset + 6000).toISOString());
  assert.ok(p.statistics.find((s) => s.name === 'normal' && s.statistic === 'ks' && s.drifted && s.score < 0.05));
  assert.is(rx.hits[0].headers.authorization, 'Bearer t');
  assert.is(rx.hits[0].headers['content-type'], 'application/json');
  for (let t = 0; t < 5; t++) {
    clock.now += 10_000; // still inside the cool-down
    feed(m);
  }
  await m.settled();
  assert.is(rx.hits.length, 1, 'once per cool-down');
  clock.now += 20_000;
  feed(m);
  await m.settled();
  assert.is(rx.hits.length, 2, 'again after the cool-down');
  assert.equal(
    results.map((r) => [r.channel, r.ok, r.attempts, r.status]),
    [
      ['webhook', true, 1, 200],
      ['webhook', true, 1, 200],
    ],
  );
  await m.close();
  await rx.close();
});

test('never on fewer than minSamples rows, and not once drift has ended', async () => {
  const rx = await receiver();
  const clock = { now: 0 };
  const { m } = monitorWith({ minSamples: 10_000, webhook: rx.url }, clock);
  for (let i = 0; i < 10; i++) {
    clock.now += 60_000;
    feed(m);
  }
  await m.settled();
  assert.ok(m.report().drifted);
  assert.is(rx.hits.length, 0);
  await m.close();
  const { m: m2 } = monitorWith({ holdMs: 30_000, webhook: rx.url }, clock);
  feed(m2);
  feed(m2);
  clock.now += 20_000;
  m2.observe(syntheticRows(3)(100));
  m2.observe(syntheticRows(4)(100)); // drift ends before holdMs
  clock.now += 20_000;
  feed(m2);
  feed(m2); // drifts again: the hold starts over
  await m2.settled();
  assert.is(rx.hits.length, 0);
  await m2.close();
  await rx.close();
});

test('honours Retry-After (seconds) on 429 and 503', async () => {
  const rx = await receiver([429, 200]);
  const clock = { now: 0 };
  const { m, results } = monitorWith({ webhook: { url: rx.url, retries: 2, backoffMs: 5000 } }, clock);
  const real = rx.hits;
  feed(m);
  feed(m);
  await m.settled();
  assert.is(real.length, 2);
  assert.ok(real[1].at - real[0].at < 2000, 'Retry-After: 0 replaced the 5 s backoff');
  assert.is(results[0].attempts, 2);
  await m.close();
  await rx.close();
});

test('retries 5xx with exponential backoff, then succeeds', async () => {
  const rx = await receiver([503, 500, 200]);
  const clock = { now: 0 };
  const { m, results } = monitorWith({ webhook: { url: rx.url, retries: 4, backoffMs: 80, maxBackoffMs: 1000 } }, clock);
  feed(m);
  feed(m);
  await m.settled();
  assert.is(rx.hits.length, 3);
  const gaps = [rx.hits[1].at - rx.hits[0].at, rx.hits[2].at - rx.hits[1].at];
  assert.ok(gaps[0] >= 75 && gaps[1] >= 155, `backoff gaps ${gaps.map((g) => g.toFixed(0))} ms (expected ≥ 80, ≥ 160)`);
  assert.equal([results[0].ok, results[0].attempts, results[0].status], [true, 3, 200]);
  await m.close();
  await rx.close();
});

test('gives up cleanly: after the retries on 5xx, at once on 4xx, and when nothing listens', async () => {
  const clock = { now: 0 };
  const rx = await receiver([500]);
  const { m, results } = monitorWith({ webhook: { url: rx.url, retries: 2, backoffMs: 10 } }, clock);
  feed(m);
  feed(m);
  await m.settled();
  assert.is(rx.hits.length, 3);
  assert.equal([results[0].ok, results[0].attempts, results[0].status], [false, 3, 500]);
  assert.match(results[0].error, /gave up after 3 attempts: HTTP 500/);
  await m.close();
  await rx.close();

  const bad = await receiver([400]);
  const second = monitorWith({ webhook: { url: bad.url, retries: 5, backoffMs: 10 } }, clock);
  feed(second.m);
  feed(second.m);
  await second.m.settled();
  assert.is(bad.hits.length, 1, 'a 4xx is not retried');
  assert.match(second.results[0].error, /HTTP 400: not retried/);
  await second.m.close();
  await bad.close();

  const gone = await receiver();
  const url = gone.url;
  await gone.close();
  const third = monitorWith({ webhook: { url, retries: 1, backoffMs: 10 } }, clock);
  feed(third.m);
  feed(third.m);
  await third.m.settled();
  assert.equal([third.results[0].ok, third.results[0].attempts], [false, 2]);
  assert.match(third.results[0].error, /ECONNREFUSED|fetch failed/);
  await third.m.close();
});

test('a receiver that never answers blocks nothing: observe stays fast, close() cancels the delivery', async () => {
  const rx = await receiver([null]);
  const clock = { now: 0 };
  const { m, results } = monitorWith({ webhook: { url: rx.url, timeoutMs: 60_000 } }, clock);
  m.on('trigger', () => {
    throw new Error('a listener that throws');
  });
  feed(m);
  feed(m);
  await new Promise((r) => setTimeout(r, 100));
  assert.is(rx.hits.length, 1, 'the request is out, unanswered');
  try {
    const times = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      m.observe(shifted(1));
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    // observe() returns while the request is pending; the median shows it does not wait (a single
    // slow call on this shared machine is scheduling noise, not the network)
    assert.ok(times[100] < 1, `median observe ${times[100].toFixed(3)} ms while the webhook hung`);
    assert.is(m.stats().errors, 0);
    assert.is(m.stats().requests, 202);
    const t0 = performance.now();
    await m.close();
    assert.ok(performance.now() - t0 < 2000, 'close() does not wait for the receiver');
    assert.equal([results[0].ok, results[0].error], [false, 'cancelled']);
  } finally {
    await m.close();
    await rx.close();
  }
});

test.run();
