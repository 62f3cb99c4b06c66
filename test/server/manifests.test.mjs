// deploy/: every Kubernetes manifest validated against the published schemas (kubernetes-models,
// @kubernetes-models/keda), the KServe InferenceService's predictor validated as a pod spec
// (no KServe schema package exists), and the server behaviour the manifests rely on: the probe
// paths answer, the container port is the one PORT sets, the CLI accepts the image's arguments,
// and the grace period fits inside terminationGracePeriodSeconds.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { ROOT, IRIS_DIR, get, startServer } from './helpers.mjs';

const require = createRequire(import.meta.url);
const MODELS = {
  'apps/v1/Deployment': () => require('kubernetes-models/apps/v1').Deployment,
  'v1/Service': () => require('kubernetes-models/v1').Service,
  'v1/ConfigMap': () => require('kubernetes-models/v1').ConfigMap,
  'v1/Pod': () => require('kubernetes-models/v1').Pod,
  'autoscaling/v2/HorizontalPodAutoscaler': () => require('kubernetes-models/autoscaling/v2').HorizontalPodAutoscaler,
  'keda.sh/v1alpha1/ScaledObject': () => require('@kubernetes-models/keda/keda.sh/v1alpha1').ScaledObject,
};
const FILES = ['kubernetes/ortex.yaml', 'kubernetes/prometheus-adapter.yaml', 'keda/scaledobject.yaml', 'kserve/inferenceservice.yaml'];
const docs = FILES.flatMap((f) =>
  parseAllDocuments(readFileSync(join(ROOT, 'deploy', f), 'utf8')).map((d) => ({ file: f, value: d.toJS() })),
);
const { DEFAULT_SHUTDOWN_GRACE_MS } = await import('../../dist/server/config.js');
const { parseServeArgs } = await import('../../dist/cli/commands/serve.js');

function validate(obj) {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const Model = MODELS[key]?.();
  assert.ok(Model, `a schema for ${key}`);
  new Model(obj).validate(); // throws with the schema path on any error
}

test('every Kubernetes and KEDA manifest passes its published schema', () => {
  const kinds = [];
  for (const { file, value } of docs) {
    if (value.kind === 'InferenceService') continue;
    try {
      validate(value);
    } catch (e) {
      assert.unreachable(`${file} ${value.kind}: ${e.message}`);
    }
    kinds.push(value.kind);
  }
  assert.equal(kinds.sort(), ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'ScaledObject', 'Service']);
});

test('a manifest with a mistake fails validation (the check can fail)', () => {
  const deployment = structuredClone(docs.find((d) => d.value.kind === 'Deployment').value);
  deployment.spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
  assert.throws(() => validate(deployment));
});

test('the KServe InferenceService: v1beta1, a predictor whose containers validate as a pod spec', () => {
  const isvc = docs.find((d) => d.value.kind === 'InferenceService').value;
  assert.is(isvc.apiVersion, 'serving.kserve.io/v1beta1');
  assert.ok(isvc.metadata.name);
  const { containers, ...rest } = isvc.spec.predictor;
  assert.equal(Object.keys(rest).sort(), ['maxReplicas', 'minReplicas', 'scaleMetric', 'scaleTarget']);
  validate({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'predictor' }, spec: { containers } });
  const c = containers[0];
  assert.is(c.name, 'kserve-container');
  const args = parseServeArgs(c.args);
  assert.is(args.name, 'iris', '--model_name reaches the CLI');
  assert.is(args.models, undefined, 'no folder: /mnt/models is served');
});

test('the server behaviour the manifests rely on: ports, probe paths, CLI arguments, grace period', async () => {
  const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
  const entry = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)[1]);
  assert.equal(entry.slice(0, 3), ['node', 'bin/ortex.js', 'serve']);
  const deployment = docs.find((d) => d.value.kind === 'Deployment').value;
  const pod = deployment.spec.template.spec;
  const c = pod.containers[0];
  const parsed = parseServeArgs([...entry.slice(3), ...c.args]);
  assert.equal([parsed.host, parsed.models], ['0.0.0.0', '/mnt/models']);
  const port = Number(c.env.find((e) => e.name === 'PORT').value);
  assert.is(c.ports[0].containerPort, port);
  assert.ok(
    pod.terminationGracePeriodSeconds * 1000 > DEFAULT_SHUTDOWN_GRACE_MS + c.lifecycle.preStop.sleep.seconds * 1000,
    'drain fits in the grace period',
  );
  const isvc = docs.find((d) => d.value.kind === 'InferenceService').value.spec.predictor.containers[0];
  const s = await startServer({ models: IRIS_DIR });
  try {
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe, isvc.readinessProbe, isvc.livenessProbe]) {
      assert.is((await get(s.url + probe.httpGet.path)).status, 200, probe.httpGet.path);
    }
    const metrics = (await get(`${s.url}/metrics`)).body;
    assert.match(metrics, /^ortex_queue_depth\{/m, 'the autoscaling metric exists');
  } finally {
    await s.close();
  }
  const adapter = docs.find((d) => d.value.kind === 'ConfigMap').value;
  const rules = parseAllDocuments(adapter.data['config.yaml'])[0].toJS().rules;
  assert.is(
    rules[0].name.as,
    deployment.spec && docs.find((d) => d.value.kind === 'HorizontalPodAutoscaler').value.spec.metrics[0].pods.metric.name,
  );
});

test.run();
