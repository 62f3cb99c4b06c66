/** Model input/output descriptions in onnxruntime-common's shape, with sequence/map/optional detail. */
import { elementTypeByCode, type TensorType } from './element-types.js';
import type { NativeTypeInfo } from '../native/binding.js';

/** A dimension: a size, a symbolic name, or null when the model leaves it unknown. */
export type Dim = number | string | null;

export type TypeMetadata =
  | { kind: 'tensor'; type: TensorType; shape: Dim[] }
  | { kind: 'sequence'; element: TypeMetadata }
  | { kind: 'map'; keyType: TensorType; value: TypeMetadata }
  | { kind: 'optional'; element: TypeMetadata }
  | { kind: 'unknown'; onnxType: number };

export type ValueMetadata =
  | { name: string; isTensor: true; kind: 'tensor'; type: TensorType; shape: Dim[] }
  | ({ name: string; isTensor: false } & Exclude<TypeMetadata, { kind: 'tensor' }>);

const ONNX_TENSOR = 1,
  ONNX_SEQUENCE = 2,
  ONNX_MAP = 3,
  ONNX_SPARSE = 5,
  ONNX_OPTIONAL = 6;

function typeName(code: number | undefined): TensorType {
  return (elementTypeByCode(code ?? 0)?.name ?? `type${code}`) as TensorType;
}

export function toTypeMetadata(t: NativeTypeInfo): TypeMetadata {
  switch (t.kind) {
    case ONNX_TENSOR:
    case ONNX_SPARSE:
      return { kind: 'tensor', type: typeName(t.elementType), shape: t.shape ?? [] };
    case ONNX_SEQUENCE:
      return { kind: 'sequence', element: toTypeMetadata(t.element!) };
    case ONNX_MAP:
      return { kind: 'map', keyType: typeName(t.keyType), value: toTypeMetadata(t.element!) };
    case ONNX_OPTIONAL:
      return { kind: 'optional', element: toTypeMetadata(t.element!) };
    default:
      return { kind: 'unknown', onnxType: t.kind };
  }
}

export function toValueMetadata(name: string, t: NativeTypeInfo): ValueMetadata {
  const m = toTypeMetadata(t);
  return m.kind === 'tensor' ? { name, isTensor: true, ...m } : { name, isTensor: false, ...m };
}

/** The type of a model input or output, without its name. */
export function valueType(m: ValueMetadata): TypeMetadata {
  return m.isTensor ? { kind: 'tensor', type: m.type, shape: m.shape } : (m as unknown as TypeMetadata);
}

export function formatType(t: TypeMetadata): string {
  switch (t.kind) {
    case 'tensor':
      return `${t.type}[${t.shape.map((d) => (d === null ? '?' : d)).join(',')}]`;
    case 'sequence':
      return `sequence<${formatType(t.element)}>`;
    case 'map':
      return `map<${t.keyType},${formatType(t.value)}>`;
    case 'optional':
      return `optional<${formatType(t.element)}>`;
    default:
      return `onnx-type-${t.onnxType}`;
  }
}
