/** `POST /predict` and `POST /v1/models/{name}/predict`: the seed's JSON service. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OrtexError } from '../../base/errors.js';
import { inferThen, type InferenceHost } from '../infer.js';
import { decodePredict, encodePredict, type FeatureMapper } from '../predict.js';
import { sendJson } from './reply.js';

/**
 * The body's shape, checked by Fastify before the handler: `features` is a row, rows, named
 * features or named records. Values are checked by the decoder (or the model's input schema).
 */
export const PREDICT_REQUEST_SCHEMA = {
  title: 'the /predict body',
  type: 'object',
  required: ['features'],
  properties: { features: { anyOf: [{ type: 'array', minItems: 1 }, { type: 'object' }] } },
} as const;

export function registerPredictRoutes(
  app: FastifyInstance,
  host: InferenceHost,
  options: { defaultModel: () => string | undefined; mappers: Map<string, FeatureMapper> },
): void {
  // Not async: the answer is sent from inferThen's callback (no promise per request); what the
  // handler throws, or the callback's error, goes to the scope's error handler.
  const handler = (req: FastifyRequest<{ Params: { model?: string }; Body: unknown }>, reply: FastifyReply): void => {
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
    const features = (req.body as { features: unknown }).features; // PREDICT_REQUEST_SCHEMA checked the shape
    inferThen(
      host,
      {
        requestId: String(req.id),
        headers: req.headers,
        body: req.body,
        protocol: 'predict',
        model,
        version: undefined,
        response: reply.raw,
      },
      (v) => decodePredict(features, v, options.mappers.get(v.model)),
      (v, out) => encodePredict(out, v),
      (error, result) => {
        if (error) return void reply.send(error);
        result!.status = 'success';
        sendJson(reply, 200, result);
      },
    );
  };
  const routeOptions = { schema: { body: PREDICT_REQUEST_SCHEMA }, config: { protocol: 'predict' } };
  app.post('/predict', routeOptions, handler);
  app.post('/v1/models/:model/predict', routeOptions, handler);
}
