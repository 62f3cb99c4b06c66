/**
 * Tensor plumbing for batching: concatenate request tensors along the batch axis (optionally
 * padding one axis), and cut batch outputs back into per-request tensors. Along axis 0 the cut is
 * a view (`subarray`, no copy); along any other axis rows are not contiguous and are copied.
 * Tensors are read through ortex's own readers (tensorData/tensorDims), never a subclass's getters.
 */
import type { ElementTypeInfo, TensorData } from '../tensor/element-types.js';
import { OrtexError } from '../base/errors.js';
import { isTensor, Tensor, tensorData, tensorDims } from '../tensor/tensor.js';

type Indexed = { [i: number]: unknown; length: number };
export type Typed = Exclude<TensorData, string[]>;

function allocate(info: ElementTypeInfo, count: number): TensorData {
  return info.array ? new info.array(count) : new Array<string>(count).fill('');
}

function product(dims: readonly number[], from = 0): number {
  let n = 1;
  for (let i = from; i < dims.length; i++) n *= dims[i]!;
  return n;
}

/**
 * Copies the block `small` (dims `sDims`) into `big` (dims `bDims`) at per-axis `offsets`
 * (`intoBig`), or the block at `offsets` of `big` out into `small`. Contiguous runs are copied
 * with one `set` each.
 */
export function copyBlock(
  small: TensorData,
  sDims: readonly number[],
  big: TensorData,
  bDims: readonly number[],
  offsets: readonly number[],
  intoBig: boolean,
): void {
  const rank = sDims.length;
  if (product(sDims) === 0) return;
  // Innermost axis where the block and the big tensor differ: everything after it is contiguous.
  let c = rank - 1;
  while (c >= 0 && sDims[c] === bDims[c] && offsets[c] === 0) c--;
  const chunk = c < 0 ? product(sDims) : product(sDims, c);
  const strides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    strides[i] = s;
    s *= bDims[i]!;
  }
  const outer = c <= 0 ? 1 : product(sDims.slice(0, c));
  const index = new Array<number>(Math.max(c, 0)).fill(0);
  const typed = !Array.isArray(small);
  for (let n = 0, sOff = 0; n < outer; n++, sOff += chunk) {
    let bOff = c >= 0 ? offsets[c]! * strides[c]! : 0;
    for (let i = 0; i < c; i++) bOff += (index[i]! + offsets[i]!) * strides[i]!;
    if (typed) {
      if (intoBig) (big as Typed).set((small as Typed).subarray(sOff, sOff + chunk) as never, bOff);
      else (small as Typed).set((big as Typed).subarray(bOff, bOff + chunk) as never, sOff);
    } else {
      const from = (intoBig ? small : big) as Indexed;
      const to = (intoBig ? big : small) as Indexed;
      const fromOff = intoBig ? sOff : bOff;
      const toOff = intoBig ? bOff : sOff;
      for (let k = 0; k < chunk; k++) to[toOff + k] = from[fromOff + k];
    }
    for (let i = c - 1; i >= 0; i--) {
      if (++index[i]! < sDims[i]!) break;
      index[i] = 0;
    }
  }
}

/**
 * Concatenates `tensors` along `axis`; with `padAxis` ≥ 0 each is padded with `padValue` to
 * `padTo` along that axis. Every other dimension must agree (checked by the caller for inputs).
 * One tensor that needs no padding is returned as is.
 */
export function concatTensors(
  tensors: readonly Tensor[],
  info: ElementTypeInfo,
  axis: number,
  padAxis = -1,
  padTo = 0,
  padValue: number | bigint | string = 0,
): Tensor {
  const first = tensors[0]!;
  const firstDims = tensorDims(first);
  if (tensors.length === 1 && (padAxis < 0 || firstDims[padAxis] === padTo)) return first;
  let rows = 0;
  for (let i = 0; i < tensors.length; i++) rows += tensorDims(tensors[i]!)[axis]!;
  const dims = firstDims.slice();
  dims[axis] = rows;
  if (padAxis >= 0) dims[padAxis] = padTo;
  const count = product(dims);
  const out = allocate(info, count);
  if (axis === 0 && padAxis < 0) {
    let off = 0;
    if (!Array.isArray(out)) {
      for (let i = 0; i < tensors.length; i++) {
        const data = tensorData(tensors[i]!) as Typed;
        (out as Typed).set(data as never, off);
        off += data.length;
      }
    } else {
      for (let i = 0; i < tensors.length; i++) {
        const data = tensorData(tensors[i]!) as string[];
        for (let k = 0; k < data.length; k++) out[off + k] = data[k]!;
        off += data.length;
      }
    }
  } else {
    if (padAxis >= 0 && padValue !== 0 && padValue !== '') {
      const v = info.array === BigInt64Array || info.array === BigUint64Array ? BigInt(padValue) : padValue;
      (out as unknown as { fill(v: unknown): void }).fill(v);
    }
    const offsets = new Array<number>(dims.length).fill(0);
    for (let i = 0; i < tensors.length; i++) {
      const t = tensors[i]!;
      const tDims = tensorDims(t);
      copyBlock(tensorData(t)!, tDims, out, dims, offsets, true);
      offsets[axis] = offsets[axis]! + tDims[axis]!;
    }
  }
  return Tensor.fromNative(info, out, dims, false);
}

/**
 * Reusable merge buffers, per input: a batch along axis 0 without padding overwrites every element,
 * so a buffer can serve the next batch as soon as the run that read it has completed (ORT never
 * hands back output memory that aliases an input it did not allocate). Saves the allocation and
 * zero-fill of one buffer per input per batch, and the garbage.
 */
export class MergeBuffers {
  readonly #free: Typed[][];
  readonly #keep: number;

  /** @param inputs number of model inputs; @param keep buffers kept per input (batches in flight + 1). */
  constructor(inputs: number, keep: number) {
    this.#free = Array.from({ length: inputs }, () => []);
    this.#keep = keep;
  }

  /**
   * Concatenates `tensors` (numeric, same non-batch dims) along axis 0 into a pooled buffer.
   * A new buffer has room for the next power of two of elements, up to `capacity` (a full batch),
   * so buffers grow with the batches actually run, never to a full batch up front. Returns the
   * merged tensor and the buffer to give back after the run.
   */
  concat(input: number, tensors: readonly Tensor[], info: ElementTypeInfo, capacity: number): [Tensor, Typed] {
    let count = 0;
    let rows = 0;
    for (let i = 0; i < tensors.length; i++) {
      count += (tensorData(tensors[i]!) as Typed).length;
      rows += tensorDims(tensors[i]!)[0]!;
    }
    const free = this.#free[input]!;
    let base = free.pop();
    while (base !== undefined && base.length < count) base = free.pop();
    base ??= new info.array!(Math.max(count, Math.min(capacity, 2 ** Math.ceil(Math.log2(Math.max(count, 1)))))) as Typed;
    const out = base.length === count ? base : base.subarray(0, count);
    let off = 0;
    for (let i = 0; i < tensors.length; i++) {
      const data = tensorData(tensors[i]!) as Typed;
      out.set(data as never, off);
      off += data.length;
    }
    const dims = tensorDims(tensors[0]!).slice();
    dims[0] = rows;
    return [Tensor.fromNative(info, out as TensorData, dims, false), base];
  }

  /** Returns a buffer taken by concat() once the run that read it has completed. */
  give(input: number, base: Typed): void {
    const free = this.#free[input]!;
    if (free.length < this.#keep) free.push(base);
  }
}

/**
 * Cuts `t` along `axis` into consecutive pieces of `rows[i]` rows (which sum to `t.dims[axis]`).
 * A single piece is `t` itself; along axis 0 the pieces are views of `t`'s data (no copy: they
 * keep the whole batch's buffer alive until all of them are collected).
 */
export function splitTensor(t: Tensor, info: ElementTypeInfo, axis: number, rows: readonly number[]): Tensor[] {
  if (rows.length === 1) return [t];
  const data = tensorData(t)!;
  const dims = tensorDims(t);
  const out = new Array<Tensor>(rows.length);
  if (axis === 0) {
    const rowSize = product(dims, 1);
    let off = 0;
    for (let i = 0; i < rows.length; i++) {
      const n = rows[i]! * rowSize;
      const d = dims.slice();
      d[0] = rows[i]!;
      const piece = Array.isArray(data) ? data.slice(off, off + n) : (data as Typed).subarray(off, off + n);
      out[i] = Tensor.fromNative(info, piece as TensorData, d, false);
      off += n;
    }
    return out;
  }
  const offsets = new Array<number>(dims.length).fill(0);
  for (let i = 0; i < rows.length; i++) {
    const d = dims.slice();
    d[axis] = rows[i]!;
    const piece = allocate(info, product(d));
    copyBlock(piece, d, data, dims, offsets, false);
    out[i] = Tensor.fromNative(info, piece, d, false);
    offsets[axis] = offsets[axis]! + rows[i]!;
  }
  return out;
}

/** `count` rows of `t` from row `start` along `axis` (a view along axis 0). */
export function sliceRows(t: Tensor, info: ElementTypeInfo, axis: number, start: number, count: number): Tensor {
  const tDims = tensorDims(t);
  const data = tensorData(t)!;
  const dims = tDims.slice();
  dims[axis] = count;
  if (axis === 0) {
    const rowSize = product(tDims, 1);
    const piece = Array.isArray(data)
      ? data.slice(start * rowSize, (start + count) * rowSize)
      : (data as Typed).subarray(start * rowSize, (start + count) * rowSize);
    return Tensor.fromNative(info, piece as TensorData, dims, false);
  }
  const offsets = new Array<number>(dims.length).fill(0);
  offsets[axis] = start;
  const piece = allocate(info, product(dims));
  copyBlock(piece, dims, data, tDims, offsets, false);
  return Tensor.fromNative(info, piece, dims, false);
}

/** Throws unless `t` is a tensor with `rows` rows along `axis`. */
export function checkOutputRows(t: unknown, name: string, axis: number, rows: number): asserts t is Tensor {
  if (!isTensor(t) || tensorData(t) === undefined)
    throw new OrtexError('ERR_RUNTIME', `the model's output '${name}' is not a CPU tensor, so the batch cannot be split into requests`);
  const dims = tensorDims(t);
  if (dims.length <= axis || dims[axis] !== rows) {
    throw new OrtexError(
      'ERR_RUNTIME',
      `expected ${rows} rows along batch axis ${axis} for output '${name}' of the batch, received dims [${dims.join(',')}] (is axis ${axis} really the batch axis of every output? set batchAxis: null to run requests unmerged)`,
    );
  }
}
