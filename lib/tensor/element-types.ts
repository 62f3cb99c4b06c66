/** Tensor element types: names (onnxruntime-common's), ONNX enum codes and JS storage. One table. */

/** Element type names (onnxruntime-common's, plus bfloat16 and the float8 types). */
export type TensorType = keyof TensorDataTypeMap;

/**
 * The JS storage of each element type (onnxruntime-common's `Tensor.DataTypeMap`, plus ortex's
 * extra types). float16 is a `Uint16Array` of bit patterns in the types, as in onnxruntime-common;
 * where the runtime has a `Float16Array`, a float16 tensor's `data` is one at run time (see
 * float16.ts). bfloat16 is bits, the 4-bit types are packed two per byte, the float8 types are bits.
 */
export interface TensorDataTypeMap {
  float32: Float32Array;
  float64: Float64Array;
  float16: Uint16Array;
  bfloat16: Uint16Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  bool: Uint8Array;
  string: string[];
  int4: Uint8Array;
  uint4: Uint8Array;
  float8e4m3fn: Uint8Array;
  float8e4m3fnuz: Uint8Array;
  float8e5m2: Uint8Array;
  float8e5m2fnuz: Uint8Array;
}

/** The JS value of one element of each type (onnxruntime-common's `Tensor.ElementTypeMap`). */
export interface TensorElementTypeMap {
  float32: number;
  float64: number;
  float16: number;
  bfloat16: number;
  int8: number;
  int16: number;
  int32: number;
  int64: bigint;
  uint8: number;
  uint16: number;
  uint32: number;
  uint64: bigint;
  bool: boolean;
  string: string;
  int4: number;
  uint4: number;
  float8e4m3fn: number;
  float8e4m3fnuz: number;
  float8e5m2: number;
  float8e5m2fnuz: number;
}

export type TensorData = TensorDataTypeMap[TensorType];

type TypedArrayConstructor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | BigInt64ArrayConstructor
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor
  | BigUint64ArrayConstructor;

export interface ElementTypeInfo {
  readonly name: TensorType;
  /** ONNX TensorProto.DataType / ORT ONNXTensorElementDataType. */
  readonly code: number;
  /** JS storage; undefined for string. */
  readonly array: TypedArrayConstructor | undefined;
  /** Elements packed two per byte (int4/uint4). */
  readonly packed4: boolean;
}

const TABLE: ElementTypeInfo[] = [
  { name: 'float32', code: 1, array: Float32Array, packed4: false },
  { name: 'uint8', code: 2, array: Uint8Array, packed4: false },
  { name: 'int8', code: 3, array: Int8Array, packed4: false },
  { name: 'uint16', code: 4, array: Uint16Array, packed4: false },
  { name: 'int16', code: 5, array: Int16Array, packed4: false },
  { name: 'int32', code: 6, array: Int32Array, packed4: false },
  { name: 'int64', code: 7, array: BigInt64Array, packed4: false },
  { name: 'string', code: 8, array: undefined, packed4: false },
  { name: 'bool', code: 9, array: Uint8Array, packed4: false },
  { name: 'float16', code: 10, array: Uint16Array, packed4: false },
  { name: 'float64', code: 11, array: Float64Array, packed4: false },
  { name: 'uint32', code: 12, array: Uint32Array, packed4: false },
  { name: 'uint64', code: 13, array: BigUint64Array, packed4: false },
  { name: 'bfloat16', code: 16, array: Uint16Array, packed4: false },
  { name: 'float8e4m3fn', code: 17, array: Uint8Array, packed4: false },
  { name: 'float8e4m3fnuz', code: 18, array: Uint8Array, packed4: false },
  { name: 'float8e5m2', code: 19, array: Uint8Array, packed4: false },
  { name: 'float8e5m2fnuz', code: 20, array: Uint8Array, packed4: false },
  { name: 'uint4', code: 21, array: Uint8Array, packed4: true },
  { name: 'int4', code: 22, array: Uint8Array, packed4: true },
];

const BY_NAME = new Map<string, ElementTypeInfo>(TABLE.map((t) => [t.name, t]));
const BY_CODE: (ElementTypeInfo | undefined)[] = [];
for (const t of TABLE) BY_CODE[t.code] = t;

export function elementTypeByName(name: string): ElementTypeInfo | undefined {
  return BY_NAME.get(name);
}

export function elementTypeByCode(code: number): ElementTypeInfo | undefined {
  return BY_CODE[code];
}

export const TENSOR_TYPES: readonly TensorType[] = TABLE.map((t) => t.name);

/** Number of storage elements (bytes for packed types) that `count` tensor elements need. */
export function storageLength(info: ElementTypeInfo, count: number): number {
  return info.packed4 ? Math.ceil(count / 2) : count;
}
