#!/usr/bin/env node
// A bounded load generator for the dashboard's browser test and screenshot, in its own process:
//   node tools/loopback-load.mjs '<json>'
// with { url, token?, seconds, concurrency, requests: [{ path, body, weight? }] }: `concurrency`
// loops POST JSON bodies to loopback paths (picked by weight) until `seconds` pass, then print one
// JSON line { sent, byStatus } and exit. Refuses any host but loopback.
const o = JSON.parse(process.argv[2] ?? '{}');
const base = new URL(o.url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname)) {
  console.error(`expected a loopback URL, received ${o.url}`);
  process.exit(2);
}
const headers = { 'content-type': 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) };
const requests = o.requests.map((r) => ({ url: new URL(r.path, base).href, body: JSON.stringify(r.body), weight: r.weight ?? 1 }));
const total = requests.reduce((a, r) => a + r.weight, 0);
const pick = () => {
  let x = Math.random() * total;
  for (const r of requests) {
    x -= r.weight;
    if (x < 0) return r;
  }
  return requests[requests.length - 1];
};
const end = Date.now() + o.seconds * 1000;
const byStatus = {};
let sent = 0;
async function loop() {
  while (Date.now() < end) {
    const r = pick();
    let status = 'error';
    try {
      const res = await fetch(r.url, { method: 'POST', headers, body: r.body });
      await res.arrayBuffer();
      status = res.status;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    sent++;
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (o.pauseMs) await new Promise((resolve) => setTimeout(resolve, o.pauseMs));
  }
}
await Promise.all(Array.from({ length: o.concurrency ?? 4 }, loop));
console.log(JSON.stringify({ sent, byStatus }));
