/**
 * Monitoring endpoints, per model (the version a request without one would be routed to) or per
 * version:
 * - `GET .../drift`: the monitor's DriftReport (current window vs the reference profile, per
 *   feature and output column) plus `model_name` and `model_version`; a model without monitoring
 *   answers 200 `{"model_name", "model_version", "status": "not-monitored", "message"}`.
 * - `GET .../reservoir`: the reservoir sample as a CSV download (header: feature names).
 * - `POST .../reservoir/export`: writes it to a file on the server (`monitoring.reservoir.dir`)
 *   and answers `{"model_name", "model_version", "path", "rows"}`, for a retraining job that
 *   reads the server's disk.
 * Unknown models and versions answer 404; a model without a reservoir answers 404 naming the setting.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OrtexError } from '../../base/errors.js';
import { findModel, type InferenceHost } from '../infer.js';
import type { ModelVersion } from '../model-version.js';
import { fileNamePart } from '../../monitoring/export-names.js';
import { exportVersionReservoir, reservoirOf } from '../monitoring.js';
import { answerHeaders, sendJson } from './reply.js';

interface ModelParams {
  model: string;
  version?: string;
}

export function registerMonitoringRoutes(app: FastifyInstance, host: InferenceHost): void {
  const versionOf = (req: FastifyRequest<{ Params: ModelParams }>): ModelVersion => {
    const entry = findModel(host, req.params.model);
    if (req.params.version === undefined) return host.router.select(entry, undefined, { requestId: String(req.id), headers: req.headers });
    const v = entry.versions.get(req.params.version);
    if (!v)
      throw new OrtexError(
        'ERR_NOT_FOUND',
        `expected a loaded version of model '${entry.name}' (${[...entry.versions.keys()].join(', ') || 'none'}), received '${req.params.version}'`,
      );
    return v;
  };

  for (const base of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
    app.get(`${base}/drift`, async (req: FastifyRequest<{ Params: ModelParams }>, reply) => {
      const v = versionOf(req);
      const head = { model_name: v.model, model_version: v.version };
      if (!v.monitor)
        return sendJson(reply, 200, {
          ...head,
          status: 'not-monitored',
          message:
            v.config.monitoring?.enabled === false
              ? `model '${v.model}' version ${v.version} has monitoring turned off (monitoring.enabled: false in its config)`
              : `model '${v.model}' version ${v.version} has no monitoring: add a monitoring section to its config (docs/serving.md#monitoring)`,
        });
      return sendJson(reply, 200, { ...head, ...v.monitor.report() });
    });
    app.get(`${base}/reservoir`, async (req: FastifyRequest<{ Params: ModelParams }>, reply) => {
      const v = versionOf(req);
      const csv = reservoirOf(v).reservoirCsv();
      return (
        answerHeaders(reply)
          .code(200)
          .header('content-type', 'text/csv; charset=utf-8')
          // The name as the export's file name: a quoted-string needs no escapes, and a header carries no non-ASCII.
          .header('content-disposition', `attachment; filename="${fileNamePart(v.model)}-${fileNamePart(v.version)}-reservoir.csv"`)
          .send(csv)
      );
    });
    app.post(`${base}/reservoir/export`, async (req: FastifyRequest<{ Params: ModelParams }>, reply) => {
      const v = versionOf(req);
      const { path, rows } = await exportVersionReservoir(v);
      return sendJson(reply, 200, { model_name: v.model, model_version: v.version, path, rows });
    });
  }
}
