/**
 * Tensor: onnxruntime-common's Tensor (type, data, dims, its constructor forms and its TypeScript
 * surface: `TypedTensor<T>`, the `Tensor.Type` / `Tensor.DataType` namespace) plus explicit
 * native-memory disposal and tensors in GPU memory.
 */
import {
  elementTypeByCode,
  elementTypeByName,
  storageLength,
  type ElementTypeInfo,
  type TensorData,
  type TensorDataTypeMap,
  type TensorElementTypeMap,
  type TensorType,
} from './element-types.js';
import { describe, fromNative, invalid, OrtexError } from '../base/errors.js';
import type { NativeDeviceTensor } from '../native/binding.js';
import { fromArray } from './convert.js';
import { checkDims } from './dims.js';
import { float16ArrayClass, float16Bits, float16View, isFloat16Array } from './float16.js';

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
  // Canvas ImageData's pixels: uint8 data, as in onnxruntime-common.
  if (data instanceof Uint8ClampedArray) return 'uint8';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof BigUint64Array) return 'uint64';
  if (isFloat16Array(data)) return 'float16';
  if (Array.isArray(data)) {
    if (data.length === 0) return undefined; // nothing to infer from: the caller must name the type
    if (data.every((v) => typeof v === 'string')) return 'string';
    if (data.every((v) => typeof v === 'boolean')) return 'bool';
    if (data.every((v) => typeof v === 'number')) return 'float32';
  }
  return undefined;
}

/** Forms a typed array of this type may be given in, for messages. */
function acceptedForms(info: ElementTypeInfo): string {
  const ctor = info.array!.name;
  if (info.packed4) return `a ${ctor} (two 4-bit values per byte)`;
  if (info.name.startsWith('float8')) return `a ${ctor} (${info.name} bit patterns)`;
  if (info.name === 'bool') return `a ${ctor} or an array of booleans`;
  if (info.name === 'uint8') return `a ${ctor}, a Uint8ClampedArray or an array of numbers`;
  if (info.name === 'float16' && float16ArrayClass()) return `a ${ctor}, a Float16Array or an array of numbers`;
  if (info.array === BigInt64Array || info.array === BigUint64Array) return `a ${ctor}`;
  return `a ${ctor} or an array of numbers`;
}

function toStorage(info: ElementTypeInfo, data: unknown): TensorData {
  const what = `data of a ${info.name} tensor`;
  if (info.name === 'string') {
    if (Array.isArray(data) && data.every((v) => typeof v === 'string')) return data as string[];
    throw invalid('ERR_INVALID_ARGUMENT', what, 'an array of strings', describe(data));
  }
  if (data instanceof info.array!) return data as TensorData;
  // Views of the same memory, no copy: canvas pixels as uint8, a Float16Array as its bit patterns.
  if (info.name === 'uint8' && data instanceof Uint8ClampedArray) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  if (info.name === 'float16' && isFloat16Array(data)) return float16Bits(data);
  const converted = Array.isArray(data) ? fromArray(info, data) : undefined;
  if (converted === undefined) throw invalid('ERR_INVALID_ARGUMENT', what, acceptedForms(info), describe(data));
  return converted;
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

type Location = 'cpu' | 'cpu-pinned' | 'gpu';

/** `Symbol.dispose` where the runtime has it (Node ≥ 20.4), else the well-known fallback. */
const disposeSymbol: symbol = (Symbol as unknown as { dispose?: symbol }).dispose ?? Symbol.for('nodejs.dispose');

// Readers of a Tensor's own state, for lib/: they read the private fields, so neither a subclass's
// getters nor anything a caller assigns can change what ortex validates and hands to the addon.
let readType!: (t: Tensor) => TensorType;
let readCode!: (t: Tensor) => number;
let readDims!: (t: Tensor) => readonly number[];
let readData!: (t: Tensor) => TensorData | undefined;
let readDevice!: (t: Tensor) => NativeDeviceTensor | undefined;
let readMustCopy!: (t: Tensor) => boolean;
let brand!: (v: object) => boolean;

/** @internal True for a Tensor made by this copy of ortex (a brand check: a look-alike object is not one). */
export function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && brand(v);
}
/** @internal The tensor's element type, as constructed. */
export function tensorType(t: Tensor): TensorType {
  return readType(t);
}
/** @internal ONNX element code. */
export function tensorCode(t: Tensor): number {
  return readCode(t);
}
/** @internal The tensor's dims (a frozen array), as constructed. */
export function tensorDims(t: Tensor): readonly number[] {
  return readDims(t);
}
/** @internal The tensor's CPU data; undefined once disposed or for a GPU tensor. */
export function tensorData(t: Tensor): TensorData | undefined {
  return readData(t);
}
/** @internal The addon's handle of a GPU tensor. */
export function tensorDevice(t: Tensor): NativeDeviceTensor | undefined {
  return readDevice(t);
}
/** @internal Data must be copied before ORT reads it (shared or resizable buffer). */
export function tensorMustCopy(t: Tensor): boolean {
  return readMustCopy(t);
}

/**
 * The Tensor class: `Tensor` and `TypedTensor<T>` name its instances, `new Tensor(...)` (see
 * {@link TensorConstructor}) makes them. At run time its name is `Tensor`.
 */
export class OrtexTensor<T extends TensorType = TensorType> {
  static {
    readType = (t) => t.#type;
    readCode = (t) => t.#code;
    readDims = (t) => t.#dims;
    readData = (t) => t.#data;
    readDevice = (t) => t.#device;
    readMustCopy = (t) => t.#mustCopy;
    brand = (v) => #code in v;
  }

  // Fields are private behind getters: none can be reassigned after construction (a tensor that
  // said float32 over int32 data, or a shared buffer with its copy flag cleared, would reach ORT).
  #type: TensorType;
  #code: number;
  #dims: readonly number[];
  #size: number;
  #location: Location = 'cpu';
  #mustCopy: boolean;
  #data: TensorData | undefined;
  /** What `data` returns when it is not `#data` itself: a float16 tensor's Float16Array view. */
  #view: TensorData | undefined;
  #native: boolean;
  #device: NativeDeviceTensor | undefined;

  /** new Tensor(type, data, dims?) or new Tensor(data, dims?) like onnxruntime-common (the typed forms: {@link TensorConstructor}). */
  constructor(a: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown) {
    if (a === FROM_NATIVE) {
      // Addon output: already consistent, no validation, no copy.
      const info = b as ElementTypeInfo;
      const dims = d as number[];
      let count = 1;
      for (const x of dims) count *= x;
      this.#type = info.name;
      this.#code = info.code;
      this.#dims = Object.freeze(dims);
      this.#size = count;
      this.#mustCopy = false;
      if (e === DEVICE) {
        this.#location = 'gpu';
        this.#device = c as NativeDeviceTensor;
        this.#native = true;
        return;
      }
      this.#data = c as TensorData;
      this.#native = e === true;
      if (e === PINNED) this.#location = 'cpu-pinned';
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
        'value', // onnxruntime-common: a plain Error ("size does not match data length")
      );
    }
    this.#type = info.name;
    this.#code = info.code;
    this.#dims = Object.freeze(shape);
    this.#size = count;
    this.#data = storage;
    this.#native = false;
    this.#mustCopy = mustCopy(storage);
  }

  get type(): T {
    return this.#type as T;
  }

  /** The shape (a frozen array). */
  get dims(): readonly number[] {
    return this.#dims;
  }

  /** Number of elements. */
  get size(): number {
    return this.#size;
  }

  /**
   * 'cpu'; 'cpu-pinned' for page-locked host memory from session.allocatePinned() (faster
   * uploads to a CUDA device); 'gpu' for outputs kept in a GPU provider's memory.
   */
  get location(): Location {
    return this.#location;
  }

  /**
   * @internal Wraps data produced by the addon: no validation, no copy. `external`: the data is
   * ORT's memory behind an external buffer, which dispose() frees early.
   */
  static fromNative(info: ElementTypeInfo, data: TensorData, dims: number[], external: boolean): Tensor {
    return new (OrtexTensor as unknown as new (...args: unknown[]) => Tensor)(FROM_NATIVE, info, data, dims, external);
  }

  /** @internal A tensor in a GPU provider's memory, from the addon. */
  static fromDevice(info: ElementTypeInfo, handle: NativeDeviceTensor, dims: number[]): Tensor {
    return new (OrtexTensor as unknown as new (...args: unknown[]) => Tensor)(FROM_NATIVE, info, handle, dims, DEVICE);
  }

  /** @internal A tensor over page-locked host memory from the addon. */
  static fromPinned(info: ElementTypeInfo, data: TensorData, dims: number[]): Tensor {
    return new (OrtexTensor as unknown as new (...args: unknown[]) => Tensor)(FROM_NATIVE, info, data, dims, PINNED);
  }

  /**
   * The tensor's data. Outputs are views of ONNX Runtime's memory (no copy). float16 data is a
   * Float16Array view where the runtime has one (as in onnxruntime-common), else the Uint16Array
   * of bit patterns.
   */
  get data(): TensorDataTypeMap[T] {
    const data = this.#data;
    if (data === undefined) {
      if (this.#device)
        throw new OrtexError('ERR_INVALID_ARGUMENT', `the tensor is in GPU memory: use await tensor.download() for a CPU copy`);
      throw new OrtexError('ERR_INVALID_ARGUMENT', 'the tensor has been disposed');
    }
    if (this.#type === 'float16') {
      this.#view ??= float16View(data as Uint16Array) as TensorData | undefined;
      if (this.#view !== undefined) return this.#view as TensorDataTypeMap[T];
    }
    return data as TensorDataTypeMap[T];
  }

  /** True once dispose() ran. */
  get disposed(): boolean {
    return this.#data === undefined && this.#device === undefined;
  }

  /**
   * onnxruntime-common compatibility: the data, downloaded first for a GPU tensor;
   * `releaseData` then frees the GPU memory (the tensor stays readable, as a CPU tensor).
   */
  async getData(releaseData?: boolean): Promise<TensorDataTypeMap[T]> {
    if (this.#location !== 'gpu') return this.data;
    const cpu = await this.download();
    if (releaseData) {
      this.#device?.dispose();
      this.#device = undefined;
      this.#location = 'cpu';
      this.#data = tensorData(cpu);
    }
    return cpu.data as TensorDataTypeMap[T];
  }

  /**
   * A CPU copy of the tensor. For a GPU tensor the copy runs off the JS thread through the
   * provider that owns the memory; a CPU tensor returns itself.
   */
  async download(): Promise<Tensor<T>> {
    const device = this.#device;
    if (device === undefined) {
      if (this.#location === 'gpu') throw new OrtexError('ERR_INVALID_ARGUMENT', 'the tensor has been disposed');
      return this as Tensor<T>;
    }
    let raw: [number, ArrayBuffer, number[]];
    try {
      raw = await device.download();
    } catch (e) {
      throw fromNative(e, 'ERR_RUNTIME', 'cannot download the GPU tensor');
    }
    const info = elementTypeByCode(raw[0])!;
    const data = info.array ? new info.array(raw[1]) : [];
    return OrtexTensor.fromNative(info, data as TensorData, raw[2], false) as Tensor<T>;
  }

  /** A tensor with new dims over the same data. */
  reshape(dims: readonly number[]): Tensor<T> {
    return new Tensor(this.#type, this.data as TensorData, dims) as Tensor<T>;
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
    this.#view = undefined;
    if (this.#native) disposeNative(data);
  }

  /** `using t = new Tensor(...)` disposes it at the end of the scope. */
  [disposeSymbol](): void {
    this.dispose();
  }

  toString(): string {
    return `Tensor(${this.#type}, [${this.#dims.join(',')}])`;
  }
}

// The class's name is Tensor at run time (messages, inspection); its typed constructor is below.
Object.defineProperty(OrtexTensor, 'name', { value: 'Tensor' });

/**
 * A tensor (onnxruntime-common's `Tensor`). `Tensor<T>` (also spelled {@link TypedTensor}) knows
 * its element type: `type` is `T` and `data` the matching array.
 */
export type Tensor<T extends TensorType = TensorType> = OrtexTensor<T>;

/** onnxruntime-common's name for a tensor of a known element type. */
export type TypedTensor<T extends TensorType> = OrtexTensor<T>;

/** Element types that number arrays convert to (each element exactly, or a RangeError/TypeError names it). */
export type NumberTypes = Exclude<TensorType, 'string' | 'bool' | 'int64' | 'uint64'>;

/**
 * The Tensor constructor's forms (onnxruntime-common's): `new Tensor(type, data, dims?)`, or
 * `new Tensor(data, dims?)` with the type inferred from a TypedArray, a string array or a boolean
 * array. Number arrays convert exactly (see the README); a Uint8ClampedArray (canvas pixels) is
 * uint8 data; where the runtime has a Float16Array, it is float16 data.
 */
export interface TensorConstructor {
  new (type: 'string', data: TensorDataTypeMap['string'] | readonly string[], dims?: readonly number[]): TypedTensor<'string'>;
  new (type: 'bool', data: TensorDataTypeMap['bool'] | readonly boolean[], dims?: readonly number[]): TypedTensor<'bool'>;
  new (type: 'uint8', data: Uint8ClampedArray, dims?: readonly number[]): TypedTensor<'uint8'>;
  new <K extends 'int64' | 'uint64'>(
    type: K,
    data: TensorDataTypeMap[K] | readonly bigint[] | readonly number[],
    dims?: readonly number[],
  ): TypedTensor<K>;
  new <K extends NumberTypes>(type: K, data: TensorDataTypeMap[K] | readonly number[], dims?: readonly number[]): TypedTensor<K>;
  new (data: Float32Array, dims?: readonly number[]): TypedTensor<'float32'>;
  new (data: Int8Array, dims?: readonly number[]): TypedTensor<'int8'>;
  new (data: Uint8Array, dims?: readonly number[]): TypedTensor<'uint8'>;
  new (data: Uint8ClampedArray, dims?: readonly number[]): TypedTensor<'uint8'>;
  new (data: Uint16Array, dims?: readonly number[]): TypedTensor<'uint16'>;
  new (data: Int16Array, dims?: readonly number[]): TypedTensor<'int16'>;
  new (data: Int32Array, dims?: readonly number[]): TypedTensor<'int32'>;
  new (data: BigInt64Array, dims?: readonly number[]): TypedTensor<'int64'>;
  new (data: readonly string[], dims?: readonly number[]): TypedTensor<'string'>;
  new (data: readonly boolean[], dims?: readonly number[]): TypedTensor<'bool'>;
  new (data: Float64Array, dims?: readonly number[]): TypedTensor<'float64'>;
  new (data: Uint32Array, dims?: readonly number[]): TypedTensor<'uint32'>;
  new (data: BigUint64Array, dims?: readonly number[]): TypedTensor<'uint64'>;
  new (
    type: TensorType,
    data: TensorData | readonly number[] | readonly string[] | readonly bigint[] | readonly boolean[],
    dims?: readonly number[],
  ): Tensor;
  new (data: TensorData, dims?: readonly number[]): Tensor;
  readonly prototype: Tensor;
  /** @internal */
  fromNative(info: ElementTypeInfo, data: TensorData, dims: number[], external: boolean): Tensor;
  /** @internal */
  fromDevice(info: ElementTypeInfo, handle: NativeDeviceTensor, dims: number[]): Tensor;
  /** @internal */
  fromPinned(info: ElementTypeInfo, data: TensorData, dims: number[]): Tensor;
}

export const Tensor: TensorConstructor = OrtexTensor as unknown as TensorConstructor;

/** onnxruntime-common's `Tensor` namespace of types: `Tensor.Type`, `Tensor.DataType`, `Tensor.DataTypeMap`, ... */
export declare namespace Tensor {
  /** An element type name. */
  type Type = TensorType;
  /** The JS array of each element type. */
  type DataTypeMap = TensorDataTypeMap;
  /** The JS value of one element of each type. */
  type ElementTypeMap = TensorElementTypeMap;
  /** Any tensor's data. */
  type DataType = TensorData;
  /** Any element value. */
  type ElementType = TensorElementTypeMap[TensorType];
  /** Element types a pinned (page-locked) tensor may have. */
  type CpuPinnedDataTypes = Exclude<TensorType, 'string'>;
  /**
   * Where a tensor's data lives: onnxruntime-common's locations ('texture', 'gpu-buffer' and
   * 'ml-tensor' are browser ones ortex never produces) and ortex's 'gpu' (a GPU provider's memory).
   */
  type DataLocation = 'none' | 'cpu' | 'cpu-pinned' | 'texture' | 'gpu-buffer' | 'ml-tensor' | 'gpu';
}
