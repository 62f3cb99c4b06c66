/**
 * One AbortSignal per client connection, aborted when the connection closes: the requests of a
 * slow model (`ModelVersion.cancelsOnDisconnect`) pass it to the Batcher, so that a client that
 * goes away withdraws what it still has queued. A request that is answered has left the Batcher
 * by then (its subscription ends with its run), so the signal reaches only unanswered requests:
 * what a listener on each response's 'close' did, without an AbortController, a closure and a
 * listener added and removed per request (≈ 5 µs a request in a tight loop against ≈ 0.6 µs,
 * more on a busy server; PP-OCR cls binary v2, issue 12).
 */
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

const CONTROLLER = Symbol('ortex.connectionAbort');
type Watched = Socket & { [CONTROLLER]?: AbortController };

/** The reason the signal aborts with. */
export const DISCONNECTED = 'the client closed the connection';

/**
 * The signal of `res`'s connection (made on first use; aborted once the connection has closed,
 * at once when it already has), or undefined when the response has no socket.
 */
export function connectionSignal(res: ServerResponse): AbortSignal | undefined {
  const socket = res.socket as Watched | null;
  if (!socket) return undefined;
  let c = socket[CONTROLLER];
  if (c === undefined) {
    const controller = new AbortController();
    c = socket[CONTROLLER] = controller;
    if (socket.destroyed) controller.abort(new Error(DISCONNECTED));
    else socket.once('close', () => controller.abort(new Error(DISCONNECTED)));
  }
  return c.signal;
}
