/**
 * float16 data as onnxruntime-common presents it: where the runtime has a `Float16Array` (built in,
 * or a polyfill installed as `globalThis.Float16Array`), a float16 tensor's `data` is one, a view
 * of the same memory; elsewhere it is the `Uint16Array` of bit patterns. ortex keeps the bits
 * (a Uint16Array) as the storage it hands to ONNX Runtime either way.
 *
 * Looked up at each use, so a polyfill installed after ortex loaded is seen.
 */

/** The shape ortex uses of a Float16Array constructor (built in or polyfill). */
interface Float16ArrayLike {
  readonly buffer: ArrayBufferLike;
  readonly byteOffset: number;
  readonly length: number;
}
type Float16ArrayConstructorLike = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Float16ArrayLike;

/** The runtime's Float16Array constructor, if it has one. */
export function float16ArrayClass(): Float16ArrayConstructorLike | undefined {
  const c = (globalThis as { Float16Array?: unknown }).Float16Array;
  return typeof c === 'function' ? (c as Float16ArrayConstructorLike) : undefined;
}

/** True for a Float16Array (of the runtime's class). */
export function isFloat16Array(v: unknown): v is Float16ArrayLike {
  const c = float16ArrayClass();
  return c !== undefined && v instanceof c;
}

/** The bit patterns behind a Float16Array: a Uint16Array over the same memory (no copy). */
export function float16Bits(v: Float16ArrayLike): Uint16Array {
  return new Uint16Array(v.buffer, v.byteOffset, v.length);
}

/** A Float16Array over the same memory as `bits`, or undefined where the runtime has none. */
export function float16View(bits: Uint16Array): Float16ArrayLike | undefined {
  const c = float16ArrayClass();
  return c === undefined ? undefined : new c(bits.buffer, bits.byteOffset, bits.length);
}
