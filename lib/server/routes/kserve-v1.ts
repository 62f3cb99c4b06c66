/**
 * KServe's V1 data plane (TensorFlow Serving's REST shape), which KServe's own clients
 * (`InferenceRESTClient` with `protocol="v1"`) and v1 InferenceServices call:
 * `GET /v1/models`, `GET /v1/models/{m}` (readiness), `POST /v1/models/{m}:predict` with
 * `{"instances": [...]}` (or `{"inputs": [...]}`) → `{"predictions": [...]}`. Rows are decoded
 * like /predict's (see predict.ts); a prediction is the row's label, or its output values.
 * Errors are `{"error": "..."}`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OrtexError } from '../../base/errors.js';
import { findModel, inferThen, type InferenceHost } from '../infer.js';
import { decodeInstances, encodePredict, type FeatureMapper } from '../predict.js';
import { sendJson } from './reply.js';

const rows = { type: 'array', minItems: 1 } as const;

/** The :predict body, checked by Fastify before the handler: `instances` (or `inputs`), a non-empty array. */
export const V1_PREDICT_SCHEMA = {
  title: 'the :predict body',
  type: 'object',
  properties: { instances: rows, inputs: rows },
  anyOf: [{ required: ['instances'] }, { required: ['inputs'] }],
} as const;

export function registerKServeV1Routes(app: FastifyInstance, host: InferenceHost, mappers: Map<string, FeatureMapper>): void {
  app.get('/v1/models', async (_req, reply) => sendJson(reply, 200, { models: host.repository.entries().map((e) => e.name) }));

  app.get('/v1/models/:model', async (req: FastifyRequest<{ Params: { model: string } }>, reply) => {
    const entry = findModel(host, req.params.model);
    let ready = false;
    try {
      ready = host.router.select(entry, undefined, { requestId: String(req.id), headers: req.headers }).ready;
    } catch (e) {
      if ((e as OrtexError).code === 'ERR_NOT_FOUND') throw e;
    }
    return sendJson(reply, ready ? 200 : 503, { name: entry.name, ready });
  });

  // The model name (a regex param, so it stops at the colon), then a literal ':predict' ('::' is
  // find-my-way's escaped colon).
  app.post(
    '/v1/models/:model(^[^:/]+)::predict',
    { schema: { body: V1_PREDICT_SCHEMA } },
    (req: FastifyRequest<{ Params: { model: string }; Body: unknown }>, reply: FastifyReply): void => {
      const body = req.body as { instances?: unknown[]; inputs?: unknown[] }; // V1_PREDICT_SCHEMA checked the shape
      const instances = (body.instances ?? body.inputs)!;
      inferThen(
        host,
        {
          requestId: String(req.id),
          headers: req.headers,
          body,
          protocol: 'v1',
          model: req.params.model,
          version: undefined,
          response: reply.raw,
        },
        (v) => decodeInstances(instances, v, mappers.get(v.model)),
        (v, out) => ({ predictions: encodePredict(out, v).prediction }),
        (error, answer) => {
          if (error) return void reply.send(error);
          sendJson(reply, 200, answer);
        },
      );
    },
  );
}
