// The closed-loop example's model repository: the trained Iris model as version 1 with its
// reference profile (built by `ortex profile` on Fisher's 150 rows), and a config that monitors
// drift, exports a reservoir sample and runs retrain.mjs when drift holds, and rolls every new
// version out by itself: shadow, then canary, then promotion (or rollback).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { irisCsv } from '../../tools/iris-csv.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');

/** The model config (config.yaml of model `iris`); `fast` shortens windows and counts for tests. */
export function closedLoopConfig({ repo, labels, fast = false, brokenTraining = false }) {
  return {
    versionPolicy: { latest: 2 },
    outputs: { probabilities: { labels: ['setosa', 'versicolor', 'virginica'] } },
    monitoring: {
      window: { subWindows: 4, subWindowRows: fast ? 50 : 250 },
      minSamples: fast ? 100 : 500,
      aggregation: { driftShare: 0.25 },
      trigger: {
        holdMs: 0,
        cooldownMs: 3_600_000,
        on: 'inputs',
        command: {
          argv: [process.execPath, join(HERE, 'retrain.mjs'), '--repo', repo, '--labels', labels, ...(brokenTraining ? ['--broken'] : [])],
          timeoutMs: 60_000,
        },
      },
      reservoir: { size: fast ? 200 : 1000, seed: 7, dir: join(repo, '..', 'reservoir') },
    },
    rollout: {
      policy: {
        minRequests: fast ? 50 : 200,
        promoteAfterRequests: fast ? 100 : 500,
        maxErrorRateIncrease: 0.01,
        maxP99Ratio: 2,
        p99SlackMs: fast ? 50 : 10,
        minAgreement: 0.7,
        evaluateEveryMs: 200,
      },
      onNewVersion: {
        steps: [
          { mode: 'shadow', shadow: { sampleRate: 1, queueSize: 64 } },
          { mode: 'canary', percent: 25 },
        ],
      },
    },
  };
}

/** Writes `<work>/models/iris/{1/model.onnx, 1/profile.json, config.yaml}`; returns the paths. */
export function prepareRepository(work, { fast = false, brokenTraining = false } = {}) {
  const repo = join(work, 'models');
  const labels = join(work, 'labels.csv');
  const v1 = join(repo, 'iris', '1');
  mkdirSync(v1, { recursive: true });
  copyFileSync(join(ROOT, 'models', 'iris', '1', 'model.onnx'), join(v1, 'model.onnx'));
  const reference = join(work, 'iris.csv');
  writeFileSync(reference, irisCsv());
  execFileSync(process.execPath, [join(ROOT, 'bin', 'ortex.js'), 'profile', reference, '--model', join(v1, 'model.onnx'), '--out', join(v1, 'profile.json')], {
    stdio: 'ignore',
  });
  writeFileSync(join(repo, 'iris', 'config.yaml'), stringify(closedLoopConfig({ repo, labels, fast, brokenTraining })));
  writeFileSync(labels, 'sepal_length,sepal_width,petal_length,petal_width,species\n');
  return { repo, labels };
}
