/** Small reply helpers shared by the routes. */
import type { FastifyReply } from 'fastify';

/**
 * Sends `value` as JSON with `Content-Type: application/json` exactly (Fastify would append a
 * charset to a string body; some OIP clients compare the header).
 */
export function sendJson(reply: FastifyReply, status: number, value: unknown): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/json')
    .send(Buffer.from(JSON.stringify(value)));
}
