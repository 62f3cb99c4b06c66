#!/usr/bin/env node
// The closed loop on the project's own Iris pipeline, in one process plus the retraining child:
//
//   normal traffic (no alarm) → shifted traffic (sepal width read 1.2 cm wider) → drift on
//   version 1 → the trigger runs retrain.mjs on the exported reservoir sample → version 2 appears
//   in the repository → shadow → canary 25 % → promoted; with --broken-training the retraining
//   step publishes a model that throws, and the rollout rolls it back.
//
//   node examples/closed-loop/run.mjs [--broken-training] [--fast] [--dir DIR] [--port N]
//
// Every step is printed; the server's pino log is in DIR/server.log, its metrics on /metrics.
import { appendFileSync, mkdtempSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brokenIrisBytes } from '../../tools/iris-variants.mjs';
import { prepareRepository } from './setup.mjs';
import { labelledIrisTraffic, SHIFT } from './traffic.mjs';

const SERVER = new URL('../../dist/server/index.js', import.meta.url).href;

/**
 * Runs the loop; resolves to `{ outcome, timeline, decisions, requests, failed, state }`.
 * `brokenTraining`: the retraining step publishes a model that throws (rolled back).
 */
export async function runClosedLoop({ dir, fast = false, brokenTraining = false, port = 0, log = console.log, maxRequests = 40_000 } = {}) {
  const work = dir ?? mkdtempSync(join(tmpdir(), 'ortex-closed-loop-'));
  const { repo, labels } = prepareRepository(work, { fast, brokenTraining });
  const started = Date.now();
  const timeline = [];
  const note = (step, data = {}) => {
    timeline.push({ ms: Date.now() - started, step, ...data });
    log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${step}${Object.keys(data).length ? ` ${JSON.stringify(data)}` : ''}`);
  };
  const { createServer } = await import(SERVER);
  const app = await createServer({
    models: repo,
    config: { watch: { debounceMs: 100 } },
    logger: { level: 'info', file: join(work, 'server.log') },
    processMetrics: false,
  });
  const url = await app.listen({ port, host: '127.0.0.1' });
  note('serving', { url, repository: repo });
  app.ortex.repository.on('load', (e) => note('version loaded', e));
  const watchMonitor = (version) => {
    const m = app.ortex.monitorOf('iris', version);
    m?.on('trigger', (p) => note('drift trigger fired', { version: p.version, drifted: p.drifted.features, sample: p.reservoir?.rows }));
    m?.on('trigger-result', (r) => note('retraining step finished', { ok: r.ok, exitCode: r.exitCode, output: r.output?.trim() }));
  };
  watchMonitor('1');

  let requests = 0;
  let failed = 0;
  let seen = 0;
  let state;
  const poll = async () => {
    state = await (await fetch(`${url}/v2/models/iris/rollout`)).json();
    for (const d of state.decisions.slice(seen)) note(`rollout ${d.action}`, { reason: d.reason, detail: d.detail });
    seen = state.decisions.length;
    return state;
  };
  /** Sends rows of `traffic` (4 at a time) until `done()` or `count` rows; the world reports each row's species. */
  const send = async (traffic, count, done = () => false) => {
    let sent = 0;
    let stop = false;
    const worker = async () => {
      while (!stop && sent < count && requests < maxRequests) {
        const { value } = traffic.next();
        sent++;
        requests++;
        appendFileSync(labels, `${value.row.join(',')},${value.species}\n`);
        const res = await fetch(`${url}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ features: value.features }),
        });
        await res.arrayBuffer();
        if (res.status !== 200) failed++;
      }
    };
    const poller = (async () => {
      while (!stop && sent < count && requests < maxRequests) {
        await poll();
        if (done(state)) stop = true;
        else await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await Promise.all([...Array.from({ length: 4 }, worker), poller]);
    stop = true;
    return poll();
  };

  try {
    const normal = fast ? 200 : 1000;
    await send(labelledIrisTraffic({ seed: 1 }), normal);
    const drift = await (await fetch(`${url}/v2/models/iris/drift`)).json();
    note('normal traffic sent', { rows: normal, drift: drift.status, share: drift.share });
    note('shifting the traffic', SHIFT);
    const finished = (s) => s.phase === 'promoted' || s.phase === 'rolled_back';
    await send(labelledIrisTraffic({ seed: 2, shift: SHIFT }), maxRequests, finished);
    const outcome = state.phase === 'promoted' ? `version ${state.serving} promoted` : state.phase === 'rolled_back' ? `version ${state.candidate} rolled back` : 'no decision';
    note('done', { outcome, requests, failed });
    return { outcome, phase: state.phase, timeline, decisions: state.decisions, requests, failed, state, work };
  } finally {
    await app.close();
  }
}

/** A broken model published the way retrain.mjs publishes (beside the version folder, then renamed). */
export function publishBroken(modelDir, version) {
  const staging = join(modelDir, `.incoming-${version}`);
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'model.onnx'), brokenIrisBytes());
  renameSync(staging, join(modelDir, String(version)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { 'broken-training': { type: 'boolean' }, fast: { type: 'boolean' }, dir: { type: 'string' }, port: { type: 'string' } },
  });
  const result = await runClosedLoop({
    fast: values.fast ?? false,
    brokenTraining: values['broken-training'] ?? false,
    ...(values.dir ? { dir: values.dir } : {}),
    port: values.port ? Number(values.port) : 0,
  });
  console.log(`\n${result.outcome} after ${result.requests} requests (${result.failed} failed); files in ${result.work}`);
  process.exit(result.phase === (values['broken-training'] ? 'rolled_back' : 'promoted') ? 0 : 1);
}
