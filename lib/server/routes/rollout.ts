/**
 * Rollout control: `GET /v2/models/{m}/rollout` (the state, docs/rollouts.md),
 * `PUT /v2/models/{m}/rollout` (body: the config's `rollout` section), and
 * `POST .../rollout/promote` and `.../rollback` (immediate; requests already routed finish on
 * the version they started on). Auth applies as to every other route of the scope.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Rollouts } from '../rollout/rollouts.js';
import { sendJson } from './reply.js';

type ModelRequest = FastifyRequest<{ Params: { model: string } }>;

export function registerRolloutRoutes(app: FastifyInstance, rollouts: Rollouts): void {
  app.get('/v2/models/:model/rollout', async (req: ModelRequest, reply) => sendJson(reply, 200, rollouts.state(req.params.model)));
  app.put('/v2/models/:model/rollout', async (req: ModelRequest, reply) => sendJson(reply, 200, rollouts.put(req.params.model, req.body)));
  app.post('/v2/models/:model/rollout/promote', async (req: ModelRequest, reply) =>
    sendJson(reply, 200, rollouts.promote(req.params.model)),
  );
  app.post('/v2/models/:model/rollout/rollback', async (req: ModelRequest, reply) =>
    sendJson(reply, 200, rollouts.rollback(req.params.model)),
  );
}
