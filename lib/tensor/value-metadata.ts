/**
 * Model input/output descriptions. The enumerable keys are exactly onnxruntime-common's
 * (`{ name, isTensor: true, type, shape }` for a tensor, `{ name, isTensor: false }` otherwise), so
 * `assert.deepStrictEqual` against onnxruntime-node's metadata holds; ortex's detail (`kind`, and
 * a sequence's, map's or optional's element types) is there too, as non-enumerable properties:
 * read it by name, or take the whole description with `valueType()`.
 */
import { elementTypeByCode, type TensorType } from './element-types.js';
import type { NativeTypeInfo } from '../native/binding.js';

/** A dimension: a size, or a symbolic name ('' when the model leaves it unnamed, as onnxruntime-node reports it). */
export type Dim = number | string;

export type TypeMetadata =
  | { kind: 'tensor'; type: TensorType; shape: Dim[] }
  | { kind: 'sequence'; element: TypeMetadata }
  | { kind: 'map'; keyType: TensorType; value: TypeMetadata }
  | { kind: 'optional'; element: TypeMetadata }
  | { kind: 'unknown'; onnxType: number };

/** onnxruntime-common's description of a tensor input or output (`kind` is ortex's, non-enumerable). */
export interface TensorValueMetadata {
  readonly name: string;
  readonly isTensor: true;
  readonly type: TensorType;
  readonly shape: Dim[];
  readonly kind: 'tensor';
}

/** A non-tensor input or output: onnxruntime-common's `{ name, isTensor: false }`, with ortex's type detail non-enumerable. */
export type NonTensorValueMetadata = { readonly name: string; readonly isTensor: false } & Readonly<
  Exclude<TypeMetadata, { kind: 'tensor' }>
>;

export type ValueMetadata = TensorValueMetadata | NonTensorValueMetadata;

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
      return { kind: 'tensor', type: typeName(t.elementType), shape: (t.shape ?? []).map((d) => d ?? '') };
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

/** Adds `detail`'s keys to `o` as readable, non-enumerable properties. */
function hidden<T extends object>(o: T, detail: Record<string, unknown>): T {
  for (const [k, v] of Object.entries(detail)) Object.defineProperty(o, k, { value: v, enumerable: false });
  return o;
}

export function toValueMetadata(name: string, t: NativeTypeInfo): ValueMetadata {
  const { kind, ...rest } = toTypeMetadata(t);
  if (kind === 'tensor') {
    const m = rest as { type: TensorType; shape: Dim[] };
    return hidden({ name, isTensor: true as const, type: m.type, shape: m.shape }, { kind }) as TensorValueMetadata;
  }
  return hidden({ name, isTensor: false as const }, { kind, ...rest }) as NonTensorValueMetadata;
}

/** The type of a model input or output, without its name (every detail, enumerable). */
export function valueType(m: ValueMetadata): TypeMetadata {
  switch (m.kind) {
    case 'tensor':
      return { kind: 'tensor', type: m.type, shape: [...m.shape] };
    case 'sequence':
    case 'optional':
      return { kind: m.kind, element: m.element };
    case 'map':
      return { kind: 'map', keyType: m.keyType, value: m.value };
    default:
      return { kind: 'unknown', onnxType: m.onnxType };
  }
}

/** A plain, complete description of an input or output (for JSON: `name`, `isTensor` and every type detail). */
export function describeValue(m: ValueMetadata): { name: string; isTensor: boolean } & TypeMetadata {
  return { name: m.name, isTensor: m.isTensor, ...valueType(m) };
}

export function formatType(t: TypeMetadata): string {
  switch (t.kind) {
    case 'tensor':
      return `${t.type}[${t.shape.map((d) => (d === '' ? '?' : d)).join(',')}]`;
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
