/** Small reply helpers shared by the routes. */
import type { FastifyReply } from 'fastify';

/**
 * Sends `value` as JSON with `Content-Type: application/json` exactly (Fastify would append a
 * charset to a string body; some OIP clients compare the header).
 */
export function sendJson(reply: FastifyReply, status: number, value: unknown): FastifyReply {
  return reply.code(status).header('content-type', 'application/json').send(Buffer.from(JSON.stringify(value)));
}

/** A signal that aborts when the client closes the connection before the answer is sent. */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const res = reply.raw;
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('the client closed the connection'));
  });
  return controller.signal;
}
