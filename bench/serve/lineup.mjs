// bench:serve's contenders as its reports show them, in table order: the label, the workload
// (which model, which request) and the role (ortex, a reference the goals compare with, or an
// alternative a user would build today). The table and the chart label a result's contenders
// from here, so any saved result (the JSON holds names only) renders as a new run's would.

export const WORKLOADS = {
  iris: 'Iris classifier, one JSON row per request',
  cls: 'PP-OCR cls, one 1×3×48×192 image per request',
};

/** `reference`: what a goal compares ortex with (the ceiling of its workload). */
export const LINEUP = [
  { name: 'fastify-empty', label: 'Fastify empty route (ceiling)', workload: 'iris', role: 'reference' },
  { name: 'ortex-predict', label: 'ortex serve /predict', workload: 'iris', role: 'ortex' },
  { name: 'ortex-predict-monitored', label: 'ortex serve /predict + monitoring', workload: 'iris', role: 'ortex' },
  { name: 'ortex-v2-json', label: 'ortex serve /v2 infer (JSON)', workload: 'iris', role: 'ortex' },
  { name: 'node-http-ort', label: 'node:http + onnxruntime-node', workload: 'iris', role: 'alternative' },
  { name: 'flask-gunicorn', label: 'Flask + gunicorn (2 workers)', workload: 'iris', role: 'alternative' },
  { name: 'fastapi-uvicorn', label: 'FastAPI + uvicorn (2 workers)', workload: 'iris', role: 'alternative' },
  { name: 'ortex-cls-binary', label: 'ortex serve PP-OCR cls, binary v2', workload: 'cls', role: 'ortex' },
  { name: 'batcher-cls', label: 'in-process Batcher, PP-OCR cls', workload: 'cls', role: 'reference' },
];

/** The contenders of a saved result, in table order (names the lineup does not know last, as they are). */
export function contendersOf(result) {
  const names = Object.keys(result.results);
  const known = LINEUP.filter((c) => names.includes(c.name));
  const unknown = names
    .filter((n) => !LINEUP.some((c) => c.name === n))
    .map((name) => ({ name, label: result.results[name].label ?? name, workload: 'other', role: 'alternative' }));
  return [...known, ...unknown];
}
