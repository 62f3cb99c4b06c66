/** `POST /predict` and `POST /v1/models/{name}/predict`: the seed's JSON service. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describe, invalid, OrtexError } from '../../base/errors.js';
import { infer, type InferenceHost } from '../infer.js';
import { decodePredict, encodePredict, type FeatureMapper } from '../predict.js';
import { sendJson } from './reply.js';

export function registerPredictRoutes(
  app: FastifyInstance,
  host: InferenceHost,
  options: { defaultModel: () => string | undefined; mappers: Map<string, FeatureMapper> },
): void {
  const handler = async (req: FastifyRequest<{ Params: { model?: string }; Body: unknown }>, reply: import('fastify').FastifyReply) => {
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
    // The one check of the body's shape (no JSON schema on the route: decodePredict checks the
    // features themselves, naming the row and element, so a schema would validate twice).
    const body = req.body as { features?: unknown } | null | undefined;
    if (body === null || typeof body !== 'object' || Array.isArray(body) || body.features === undefined)
      throw invalid('ERR_INVALID_INPUT', 'the /predict body', 'an object with "features"', describe(body));
    const features = body.features;
    const result = await infer(
      host,
      { requestId: String(req.id), headers: req.headers, protocol: 'predict', model, version: undefined, response: reply.raw },
      (v) => decodePredict(features, v, options.mappers.get(v.model)),
      (v, out) => encodePredict(out, v),
    );
    result.status = 'success';
    return sendJson(reply, 200, result);
  };
  app.post('/predict', { config: { protocol: 'predict' } }, handler);
  app.post('/v1/models/:model/predict', { config: { protocol: 'predict' } }, handler);
}
