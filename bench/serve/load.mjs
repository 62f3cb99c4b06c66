#!/usr/bin/env node
// The load generator, in its own process: autocannon against one URL for a fixed duration.
//   node bench/serve/load.mjs '{"url":..., "body":"...", "bodyFile":..., "headers":{}, "connections":64, "seconds":5, "rate":N}'
// (`rate`: an offered load in requests/s across all connections; default: as fast as answered).
// Prints one JSON line: requests/s, latency p50/p99 (ms), errors, non-2xx answers, and the load
// generator's own CPU per request (µs; on a 2-core machine it competes with the server).
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const o = JSON.parse(process.argv[2]);
const body = o.bodyFile ? readFileSync(o.bodyFile) : o.body;
const cpu0 = process.cpuUsage();
const result = await autocannon({
  url: o.url,
  method: 'POST',
  body,
  headers: o.headers ?? {},
  connections: o.connections ?? 64,
  duration: o.seconds ?? 5,
  pipelining: 1,
  ...(o.rate ? { overallRate: o.rate } : {}),
});
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    loadCpuUsPerRequest: result.requests.total > 0 ? Math.round(((cpu.user + cpu.system) / result.requests.total) * 10) / 10 : undefined,
  }),
);
