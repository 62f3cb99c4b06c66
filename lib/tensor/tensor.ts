/** Tensor: the onnxruntime-common shape (type, data, dims) plus explicit native-memory disposal. */
import {
  elementTypeByCode,
  elementTypeByName,
  storageLength,
  type ElementTypeInfo,
  type TensorData,
  type TensorType,
} from './element-types.js';
import { describe, fromNative, invalid, OrtexError } from '../base/errors.js';
import type { NativeDeviceTensor } from '../native/binding.js';
import { checkDims } from './dims.js';

const FROM_NATIVE = Symbol('fromNative');
const DEVICE = Symbol('device');
const PINNED = Symbol('pinned');

type Disposer = (data: TensorData) => boolean;
let disposeNative: Disposer = () => false;
/** @internal Set by the session module once the addon is loaded. */
export function setNativeDisposer(fn: Disposer): void {
  disposeNative = fn;
}

function inferType(data: unknown): TensorType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof BigUint64Array) return 'uint64';
  if (Array.isArray(data)) {
    if (data.length === 0) return undefined; // nothing to infer from: the caller must name the type
    if (data.every((v) => typeof v === 'string')) return 'string';
    if (data.every((v) => typeof v === 'boolean')) return 'bool';
    if (data.every((v) => typeof v === 'number')) return 'float32';
  }
  return undefined;
}

function toStorage(info: ElementTypeInfo, data: unknown): TensorData {
  const what = `data of a ${info.name} tensor`;
  if (info.name === 'string') {
    if (Array.isArray(data) && data.every((v) => typeof v === 'string')) return data as string[];
    throw invalid('ERR_INVALID_ARGUMENT', what, 'an array of strings', describe(data));
  }
  const Ctor = info.array!;
  if (data instanceof Ctor) return data as TensorData;
  if (info.name === 'bool' && Array.isArray(data) && data.every((v) => typeof v === 'boolean')) {
    return Uint8Array.from(data as boolean[], (b) => (b ? 1 : 0));
  }
  if (Array.isArray(data)) {
    const big = Ctor === BigInt64Array || Ctor === BigUint64Array;
    const ok = data.every((v) => (big ? typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)) : typeof v === 'number'));
    if (ok)
      return big
        ? (Ctor as BigInt64ArrayConstructor).from(data as number[], (v) => BigInt(v))
        : (Ctor as Float32ArrayConstructor).from(data as number[]);
  }
  throw invalid('ERR_INVALID_ARGUMENT', what, `a ${Ctor.name}${big(info) ? '' : ' or an array of numbers'}`, describe(data));
}

function big(info: ElementTypeInfo): boolean {
  return info.array === BigInt64Array || info.array === BigUint64Array;
}

/** True when ORT must not read the buffer in place (another thread or a resize may change it). */
function mustCopy(data: TensorData): boolean {
  if (Array.isArray(data)) return false;
  const buffer = data.buffer as ArrayBuffer & { resizable?: boolean; growable?: boolean };
  return (
    (typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer) ||
    buffer.resizable === true ||
    (buffer as unknown as { growable?: boolean }).growable === true
  );
}

export class Tensor {
  readonly type: TensorType;
  readonly dims: readonly number[];
  readonly size: number;
  /**
   * 'cpu'; 'cpu-pinned' for page-locked host memory from session.allocatePinned() (faster
   * uploads to a CUDA device); 'gpu' for outputs kept in a GPU provider's memory.
   */
  readonly location: 'cpu' | 'cpu-pinned' | 'gpu' = 'cpu';
  /** @internal ONNX element code. */
  readonly code: number;
  /** @internal Data must be copied before ORT reads it (shared or resizable buffer). */
  readonly mustCopy: boolean;
  #data: TensorData | undefined;
  #native: boolean;
  #device: NativeDeviceTensor | undefined;

  /** new Tensor(type, data, dims?) or new Tensor(data, dims?) like onnxruntime-common. */
  constructor(type: TensorType, data: TensorData | readonly number[] | readonly boolean[] | readonly bigint[], dims?: readonly number[]);
  constructor(data: TensorData | readonly boolean[], dims?: readonly number[]);
  constructor(a: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown) {
    if (a === FROM_NATIVE) {
      // Addon output: already consistent, no validation, no copy.
      const info = b as ElementTypeInfo;
      const dims = d as number[];
      let count = 1;
      for (const x of dims) count *= x;
      this.type = info.name;
      this.code = info.code;
      this.dims = dims;
      this.size = count;
      this.mustCopy = false;
      if (e === DEVICE) {
        this.location = 'gpu';
        this.#device = c as NativeDeviceTensor;
        this.#native = true;
        return;
      }
      this.#data = c as TensorData;
      this.#native = e === true;
      if (e === PINNED) this.location = 'cpu-pinned';
      return;
    }
    let typeName: unknown;
    let data: unknown;
    let dims: unknown;
    if (typeof a === 'string') {
      typeName = a;
      data = b;
      dims = c;
    } else {
      typeName = inferType(a);
      data = a;
      dims = b;
      if (typeName === undefined)
        throw invalid('ERR_INVALID_ARGUMENT', 'tensor data', 'a TypedArray or an array of numbers, booleans or strings', describe(a));
    }
    const info = elementTypeByName(typeName as string);
    if (!info)
      throw invalid(
        'ERR_INVALID_ARGUMENT',
        'tensor type',
        'one of float32, float64, float16, bfloat16, int8..int64, uint8..uint64, bool, string, int4, uint4',
        describe(typeName),
      );
    const storage = toStorage(info, data);
    const shape = dims === undefined ? [info.packed4 ? storage.length * 2 : storage.length] : checkDims(dims, 'tensor dims');
    let count = 1;
    for (const d of shape) count *= d;
    const expected = storageLength(info, count);
    if (storage.length !== expected) {
      throw invalid(
        'ERR_INVALID_ARGUMENT',
        `data of a ${info.name} tensor with dims [${shape.join(',')}]`,
        `${expected} ${info.packed4 ? 'bytes' : 'elements'}`,
        `${storage.length}`,
      );
    }
    this.type = info.name;
    this.code = info.code;
    this.dims = shape;
    this.size = count;
    this.#data = storage;
    this.#native = false;
    this.mustCopy = mustCopy(storage);
  }

  /**
   * @internal Wraps data produced by the addon: no validation, no copy. `external`: the data is
   * ORT's memory behind an external buffer, which dispose() frees early.
   */
  static fromNative(info: ElementTypeInfo, data: TensorData, dims: number[], external: boolean): Tensor {
    return new (Tensor as unknown as new (...args: unknown[]) => Tensor)(FROM_NATIVE, info, data, dims, external);
  }

  /** @internal A tensor in a GPU provider's memory, from the addon. */
  static fromDevice(info: ElementTypeInfo, handle: NativeDeviceTensor, dims: number[]): Tensor {
    return new (Tensor as unknown as new (...args: unknown[]) => Tensor)(FROM_NATIVE, info, handle, dims, DEVICE);
  }

  /** @internal A tensor over page-locked host memory from the addon. */
  static fromPinned(info: ElementTypeInfo, data: TensorData, dims: number[]): Tensor {
    return new (Tensor as unknown as new (...args: unknown[]) => Tensor)(FROM_NATIVE, info, data, dims, PINNED);
  }

  /** @internal The addon's handle of a GPU tensor. */
  get deviceHandle(): NativeDeviceTensor | undefined {
    return this.#device;
  }

  /** The tensor's data. Outputs are views of ONNX Runtime's memory (no copy). */
  get data(): TensorData {
    if (this.#data === undefined) {
      if (this.#device)
        throw new OrtexError('ERR_INVALID_ARGUMENT', `the tensor is in GPU memory: use await tensor.download() for a CPU copy`);
      throw new OrtexError('ERR_INVALID_ARGUMENT', 'the tensor has been disposed');
    }
    return this.#data;
  }

  /** True once dispose() ran. */
  get disposed(): boolean {
    return this.#data === undefined && this.#device === undefined;
  }

  /** onnxruntime-common compatibility: the data, downloaded first for a GPU tensor. */
  async getData(): Promise<TensorData> {
    if (this.location === 'gpu') return (await this.download()).data;
    return this.data;
  }

  /**
   * A CPU copy of the tensor. For a GPU tensor the copy runs off the JS thread through the
   * provider that owns the memory; a CPU tensor returns itself.
   */
  async download(): Promise<Tensor> {
    const device = this.#device;
    if (device === undefined) {
      if (this.location === 'gpu') throw new OrtexError('ERR_INVALID_ARGUMENT', 'the tensor has been disposed');
      return this;
    }
    let raw: [number, ArrayBuffer, number[]];
    try {
      raw = await device.download();
    } catch (e) {
      throw fromNative(e, 'ERR_RUNTIME', 'cannot download the GPU tensor');
    }
    const info = elementTypeByCode(raw[0])!;
    const data = info.array ? new info.array(raw[1]) : [];
    return Tensor.fromNative(info, data as TensorData, raw[2], false);
  }

  /** A tensor with new dims over the same data. */
  reshape(dims: readonly number[]): Tensor {
    return new Tensor(this.type, this.data as TensorData, dims);
  }

  /**
   * Frees the native memory behind an output now instead of at garbage collection.
   * Idempotent; the data of a disposed tensor can no longer be read.
   */
  dispose(): void {
    if (this.#device) {
      this.#device.dispose();
      this.#device = undefined;
      return;
    }
    const data = this.#data;
    if (data === undefined) return;
    this.#data = undefined;
    if (this.#native) disposeNative(data);
  }

  toString(): string {
    return `Tensor(${this.type}, [${this.dims.join(',')}])`;
  }
}
