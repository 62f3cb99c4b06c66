/** Tensor element types: names (onnxruntime-common's), ONNX enum codes and JS storage. One table. */

export type TensorType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string'
  | 'int4'
  | 'uint4'
  | 'float8e4m3fn'
  | 'float8e4m3fnuz'
  | 'float8e5m2'
  | 'float8e5m2fnuz';

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[];

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
