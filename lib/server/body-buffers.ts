/**
 * Reusable buffers for large infer bodies. A binary request body (110 KB for one PP-OCR cls
 * image) lives for one request; allocated fresh each time, these buffers are the main source of
 * the server's external memory, and V8 answers external memory growth with garbage collections
 * (scavenges, then full mark-compacts) that stall the JS thread. A body comes back here only
 * when nothing can still read it: the route gives it back after a successful answer, when no
 * observer and no monitor saw the request's tensors (they may keep them), and the answer itself
 * never aliases the body (outputs are the runtime's own memory). Every other path leaves the
 * body to the garbage collector, as before.
 */

/** Bodies below this size come from Node's shared allocation pool; pooling them here would gain nothing. */
export const MIN_POOLED_BYTES = 16 * 1024;

export class BodyBuffers {
  readonly #free = new Map<number, ArrayBuffer[]>();
  readonly #maxBytes: number;
  #bytes = 0;

  /** @param maxBytes the most bytes kept for reuse (free buffers, all sizes together). */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** A buffer of exactly `size` bytes (uninitialised: a previous body's bytes, or fresh memory). */
  take(size: number): Buffer {
    if (size >= MIN_POOLED_BYTES) {
      const list = this.#free.get(size);
      if (list !== undefined) {
        const ab = list.pop()!;
        if (list.length === 0) this.#free.delete(size);
        this.#bytes -= size;
        return Buffer.from(ab, 0, size);
      }
      // Its own ArrayBuffer (not a slice of Node's pool), so that it can be given back whole.
      return Buffer.allocUnsafeSlow(size);
    }
    return Buffer.allocUnsafe(size);
  }

  /** Gives back the memory under `body` (a view from {@link take}); ignored unless it came from here whole. */
  give(body: Uint8Array): void {
    const ab = body.buffer as ArrayBuffer;
    const size = ab.byteLength;
    if (size < MIN_POOLED_BYTES || this.#bytes + size > this.#maxBytes) return;
    let list = this.#free.get(size);
    if (list === undefined) {
      list = [];
      this.#free.set(size, list);
    } else if (list.includes(ab)) return; // given back twice: keep it once, or two bodies would share it
    list.push(ab);
    this.#bytes += size;
  }

  /** Bytes kept for reuse now. */
  get bytes(): number {
    return this.#bytes;
  }
}
