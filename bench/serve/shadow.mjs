#!/usr/bin/env node
// npm run bench:shadow: what shadow traffic costs the clients. The same Iris repository (two
// identical versions) behind `ortex serve`, once without a rollout and once with version 2 in
// shadow (every answer copied, sample rate 1), each in a fresh server process, load from another
// process on loopback (autocannon), rounds interleaved (off, on, off, on, ...); medians over rounds.
//   1. saturated: 64 connections as fast as answered — throughput and p50/p99 (the peak rate);
//   2. at 80 % of the peak rate measured without shadow (an offered load, the same for both):
//      the latency a client sees at the server's working point, with and without shadow.
// Prints the table and writes bench/results/<timestamp>-shadow.json (a new file every run; the
// committed results are never touched).
//
//   node bench/serve/shadow.mjs [--seconds 5] [--rounds 3] [--connections 64]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 5);
const ROUNDS = arg('rounds', 3);
const CONNECTIONS = arg('connections', 64);
const NATIVE = join(ROOT, 'build', 'Release', 'ortex.node');
const IRIS = join(ROOT, 'models', 'iris', '1', 'model.onnx');
const work = mkdtempSync(join(tmpdir(), 'ortex-bench-shadow-'));
const body = JSON.stringify({ features: [5.1, 3.5, 1.4, 0.2] });

function repository(name, rollout) {
  const repo = join(work, name);
  for (const v of ['1', '2']) {
    mkdirSync(join(repo, 'iris', v), { recursive: true });
    writeFileSync(join(repo, 'iris', v, 'model.onnx'), readFileSync(IRIS));
  }
  writeFileSync(
    join(repo, 'iris', 'config.yaml'),
    `versionPolicy: { latest: 2 }\noutputs:\n  probabilities:\n    labels: [setosa, versicolor, virginica]\n${rollout}`,
  );
  return repo;
}
const SETUPS = {
  off: repository('off', 'rollout: { mode: none, serving: 1 }\n'),
  on: repository('on', 'rollout: { mode: shadow, serving: 1, candidate: 2, shadow: { sampleRate: 1, queueSize: 64 } }\n'),
};
writeFileSync(join(work, 'server.yaml'), 'logLevel: warn\nshutdownGraceMs: 2000\n');

let port = 18700;
async function withServer(repo, fn) {
  const p = port++;
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin', 'ortex.js'), 'serve', repo, '--no-watch', '--port', String(p), '--config', join(work, 'server.yaml')],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ORTEX_NATIVE_PATH: NATIVE },
    },
  );
  const url = `http://127.0.0.1:${p}/predict`;
  try {
    for (let end = Date.now() + 60_000; ; ) {
      try {
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await r.arrayBuffer();
        if (r.status === 200) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > end) throw new Error('the server never answered');
      await new Promise((r) => setTimeout(r, 200));
    }
    const stats = async () => (await (await fetch(`http://127.0.0.1:${p}/v2/models/iris/rollout`)).json()).shadow;
    return await fn(url, stats);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

function load(url, extra) {
  const spec = { url, body, headers: { 'content-type': 'application/json' }, connections: CONNECTIONS, seconds: SECONDS, ...extra };
  const r = spawnSync(process.execPath, [join(HERE, 'load.mjs'), JSON.stringify(spec)], {
    encoding: 'utf8',
    timeout: (SECONDS + 60) * 1000,
  });
  if (r.status !== 0) throw new Error(`load generator failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const runs = { off: [], on: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const setup of ['off', 'on']) {
    const result = await withServer(SETUPS[setup], async (url, stats) => {
      load(url, { seconds: 1 }); // warm-up
      const saturated = load(url);
      const shadow = setup === 'on' ? await stats() : null;
      return { saturated, shadow };
    });
    runs[setup].push(result);
    console.error(
      `round ${round + 1} ${setup}: ${Math.round(result.saturated.rps)} req/s, p50 ${result.saturated.p50} ms, p99 ${result.saturated.p99} ms`,
    );
  }
}
// The working point: 80 % of the peak measured without shadow, offered to both, interleaved.
const peak = median(runs.off.map((r) => r.saturated.rps));
const rate = Math.round(peak * 0.8);
for (let round = 0; round < ROUNDS; round++) {
  for (const setup of ['off', 'on']) {
    const atRate = await withServer(SETUPS[setup], async (url, stats) => {
      load(url, { seconds: 1, rate });
      const r = load(url, { rate });
      return { ...r, shadow: setup === 'on' ? await stats() : null };
    });
    runs[setup][round].atRate = atRate;
    console.error(`round ${round + 1} ${setup} at ${rate} req/s: p50 ${atRate.p50} ms, p99 ${atRate.p99} ms`);
  }
}
rmSync(work, { recursive: true, force: true });

const summary = {};
for (const setup of ['off', 'on']) {
  const rs = runs[setup];
  summary[setup] = {
    rps: Math.round(median(rs.map((r) => r.saturated.rps))),
    p50: median(rs.map((r) => r.saturated.p50)),
    p99: median(rs.map((r) => r.saturated.p99)),
    errors: rs.reduce((n, r) => n + r.saturated.errors + r.saturated.non2xx + r.atRate.errors + r.atRate.non2xx, 0),
    atRate: { rate, p50: median(rs.map((r) => r.atRate.p50)), p99: median(rs.map((r) => r.atRate.p99)) },
    shadow: rs.at(-1).atRate.shadow,
  };
}
const signed = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
const host = {
  cpus: cpus().length,
  model: cpus()[0]?.model,
  loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  node: process.version,
};
console.log(`
shadow traffic cost (Iris /predict, ${CONNECTIONS} connections, ${SECONDS} s × ${ROUNDS} rounds, medians; host ${host.cpus} CPUs, load ${host.loadavg.join(' ')})

| | shadow off | shadow on (sample rate 1) | change |
|---|---|---|---|
| saturated throughput | ${summary.off.rps} req/s | ${summary.on.rps} req/s | ${(((summary.on.rps - summary.off.rps) / summary.off.rps) * 100).toFixed(1)} % |
| saturated p50 / p99 | ${summary.off.p50} / ${summary.off.p99} ms | ${summary.on.p50} / ${summary.on.p99} ms | ${signed(summary.on.p50 - summary.off.p50)} / ${signed(summary.on.p99 - summary.off.p99)} ms |
| at ${rate} req/s (80 % of peak): p50 / p99 | ${summary.off.atRate.p50} / ${summary.off.atRate.p99} ms | ${summary.on.atRate.p50} / ${summary.on.atRate.p99} ms | ${signed(summary.on.atRate.p50 - summary.off.atRate.p50)} / ${signed(summary.on.atRate.p99 - summary.off.atRate.p99)} ms |
| failed requests | ${summary.off.errors} | ${summary.on.errors} | |

shadow at ${rate} req/s (last round): ${JSON.stringify(summary.on.shadow)}`);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const file = join(ROOT, 'bench', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}-shadow.json`);
writeFileSync(file, `${JSON.stringify({ host, seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, runs, summary }, null, 2)}\n`);
console.log(`\nwrote ${file}`);
