/** `POST /predict` and `POST /v1/models/{name}/predict`: the seed's JSON service. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OrtexError } from '../../base/errors.js';
import { infer, type InferenceHost } from '../infer.js';
import { decodePredict, encodePredict, PREDICT_REQUEST_SCHEMA, type FeatureMapper } from '../predict.js';
import { sendJson } from './reply.js';

export function registerPredictRoutes(
  app: FastifyInstance,
  host: InferenceHost,
  options: { defaultModel: () => string | undefined; mappers: Map<string, FeatureMapper> },
): void {
  const handler = async (
    req: FastifyRequest<{ Params: { model?: string }; Body: { features: unknown } }>,
    reply: import('fastify').FastifyReply,
  ) => {
    const model = req.params.model ?? options.defaultModel();
    if (model === undefined) {
      const names = host.repository
        .entries()
        .map((e) => `'${e.name}'`)
        .join(', ');
      throw new OrtexError(
        'ERR_NOT_FOUND',
        `expected /v1/models/{name}/predict on a server with several models (${names}), received /predict`,
      );
    }
    const result = await infer(
      host,
      { requestId: String(req.id), headers: req.headers, protocol: 'predict', model, version: undefined, response: reply.raw },
      (v) => decodePredict(req.body.features, v, options.mappers.get(v.model)),
      (v, out) => encodePredict(out, v),
    );
    return sendJson(reply, 200, { ...result, status: 'success' });
  };
  const schema = { body: PREDICT_REQUEST_SCHEMA };
  app.post('/predict', { schema, config: { protocol: 'predict' } }, handler);
  app.post('/v1/models/:model/predict', { schema, config: { protocol: 'predict' } }, handler);
}
