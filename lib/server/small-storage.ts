/**
 * Storage for the small tensors that requests decode into (an Iris row is 16 bytes). V8 keeps a
 * typed array of at most 64 bytes on the JS heap without an ArrayBuffer and creates one the first
 * time `.buffer` is read — which the Tensor constructor does (its shared/resizable check) and
 * which costs more than the whole decode (0.2–1 µs, measured on Node 20). So small arrays are
 * carved from shared 4 kB ArrayBuffers instead: a view costs a few tens of ns, `.buffer` is free.
 * Memory is never reused (a buffer is collected once every view on it is gone), so a view never
 * aliases another request's data; a request that stays queued pins at most one 4 kB buffer.
 */
type SmallArrayConstructor<T> = {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  new (length: number): T;
  BYTES_PER_ELEMENT: number;
};

/** V8's typed_array_max_size_in_heap: larger arrays get their ArrayBuffer at once. */
const ON_HEAP_BYTES = 64;
const SLAB_BYTES = 4096;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** A zeroed typed array of `count` elements. */
export function allocate<T>(Ctor: SmallArrayConstructor<T>, count: number): T {
  const bytes = count * Ctor.BYTES_PER_ELEMENT;
  if (bytes > ON_HEAP_BYTES || bytes === 0) return new Ctor(count);
  used = (used + 7) & ~7; // 8-byte alignment for every element type
  if (used + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const view = new Ctor(slab, used, count);
  used += bytes;
  return view;
}
