/**
 * Reads an infer request body into one buffer placed so that the binary tensor data after its
 * JSON header starts aligned for every element type: the decoder then makes each tensor a view
 * over the body instead of a copy (tensor-codec.ts: tensorFromBinary).
 *
 * Fastify's `parseAs: 'buffer'` keeps every chunk and concatenates them into a second buffer at
 * the end; the binary part then starts wherever the header ends (a 178-byte header leaves a
 * FP32 tensor misaligned, so it was copied a third time). Here a body with a Content-Length is
 * copied once, chunk by chunk, into a buffer allocated at that size; without one (chunked
 * encoding, or a stream a preParsing hook put in between) the chunks are collected and copied
 * once at the end, aligned the same way.
 *
 * The limits and errors are Fastify's own reader's, with its error classes (http-errors.ts maps
 * them): a Content-Length or a received length over the body limit → FST_ERR_CTP_BODY_TOO_LARGE
 * (413); a received length other than the Content-Length → FST_ERR_CTP_INVALID_CONTENT_LENGTH
 * (400); a stream error → that error with status 400 unless it carries a 4xx/5xx one.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { errorCodes } from 'fastify';

/** Alignment (bytes) of the binary tensor data in a body read here: every element type's size divides it. */
export const TENSOR_DATA_ALIGNMENT = 8;

type Payload = Readable & { receivedEncodedLength?: number };

/**
 * Reads `payload` (the request's body stream; `raw` is the request itself) of at most `limit`
 * bytes and calls `done` with the body, whose byte `alignAt` lies at an address that is a multiple
 * of {@link TENSOR_DATA_ALIGNMENT} (any `alignAt` ≥ 0 is fine; a body shorter than it is just not
 * aligned). The body is a view into one buffer from `allocate` (uninitialised memory is fine).
 */
export function readAlignedBody(
  payload: Payload,
  raw: IncomingMessage,
  limit: number,
  alignAt: number,
  allocate: (size: number) => Buffer,
  done: (err: Error | null, body?: Buffer) => void,
): void {
  const declared = raw.headers['content-length'];
  const contentLength = declared === undefined ? NaN : Number(declared);
  if (contentLength > limit) {
    done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    return;
  }
  const pad = (TENSOR_DATA_ALIGNMENT - (alignAt % TENSOR_DATA_ALIGNMENT)) % TENSOR_DATA_ALIGNMENT;
  // Straight into place when the stream's bytes are the request's own (Node's HTTP parser then
  // delivers exactly Content-Length bytes; more is refused below all the same).
  const direct = payload === raw && Number.isSafeInteger(contentLength) && contentLength >= 0;
  // Allocated uninitialised: only a body received in full is ever handed on.
  const target = direct ? allocate(pad + contentLength) : undefined;
  const chunks: Buffer[] = [];
  let received = 0;

  const finish = (err: Error | null, body?: Buffer) => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onEnd);
    done(err, body);
  };
  function onData(data: Buffer | string) {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    const next = received + chunk.byteLength;
    if (next > limit || (payload.receivedEncodedLength ?? 0) > limit) {
      finish(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      return;
    }
    if (target) {
      if (next > contentLength) {
        finish(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
        return;
      }
      target.set(chunk, pad + received);
    } else chunks.push(chunk);
    received = next;
  }
  function onEnd(err?: Error & { statusCode?: number }) {
    if (err != null) {
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400;
      finish(err);
      return;
    }
    if (!Number.isNaN(contentLength) && (payload.receivedEncodedLength || received) !== contentLength) {
      finish(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      return;
    }
    if (target) {
      finish(null, target.subarray(pad));
      return;
    }
    const body = allocate(pad + received).subarray(pad);
    for (let i = 0, off = 0; i < chunks.length; off += chunks[i]!.byteLength, i++) body.set(chunks[i]!, off);
    finish(null, body);
  }
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onEnd);
  payload.resume();
}
