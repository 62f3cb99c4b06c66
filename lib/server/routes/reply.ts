/** Small reply helpers shared by the routes. */
import type { FastifyReply } from 'fastify';

/**
 * Headers every answer of the protocol carries: the request id, and while the server shuts down,
 * `Connection: close` (keep-alive clients let go, so close() does not wait for their idle
 * timeout). Set here rather than in an onSend hook: a hook runs for every reply at a cost.
 */
export function answerHeaders(reply: FastifyReply): FastifyReply {
  reply.header('x-request-id', reply.request.id);
  if (reply.server.ortex.closing) reply.header('connection', 'close');
  return reply;
}

/**
 * Sends `value` as JSON with `Content-Type: application/json` exactly (for a string body, or a
 * body serialized by a route schema, Fastify would append a charset; some OIP clients compare
 * the header). A reply serializer keeps Fastify from doing so without copying the text into a
 * Buffer.
 */
export function sendJson(reply: FastifyReply, status: number, value: unknown): FastifyReply {
  return answerHeaders(reply).code(status).header('content-type', 'application/json').serializer(JSON.stringify).send(value);
}
