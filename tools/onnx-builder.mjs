// A small ONNX graph builder over onnx-proto (protobufjs-generated onnx.ModelProto etc.).
//
//   import { buildModel, tensorValueInfo, node, tensor, ElementType } from './onnx-builder.mjs';
//   const bytes = buildModel({
//     opsetImports: { '': 17 },
//     graph: {
//       name: 'relu',
//       inputs: [tensorValueInfo('x', 'float32', ['N', 3])],
//       outputs: [tensorValueInfo('y', 'float32', ['N', 3])],
//       nodes: [node('Relu', ['x'], ['y'])],
//     },
//   });
//
// Element types are given as ONNX enum numbers (ElementType.FLOAT) or ortex type names ('float32').
// Shapes are arrays of dims: a number (static), a string (symbolic dim_param) or null (unknown);
// an undefined shape means unknown rank, [] means scalar.
// Tensor bytes are written little-endian (raw_data), so this assumes a little-endian host.

import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export { onnx };

/** @typedef {import('onnx-proto').onnx.AttributeProto} AttributeProto */
/** @typedef {import('onnx-proto').onnx.GraphProto} GraphProto */
/** @typedef {import('onnx-proto').onnx.IGraphProto} IGraphProto */
/** @typedef {import('onnx-proto').onnx.IModelProto} IModelProto */
/** @typedef {import('onnx-proto').onnx.INodeProto} INodeProto */
/** @typedef {import('onnx-proto').onnx.ITensorProto} ITensorProto */
/** @typedef {import('onnx-proto').onnx.ITensorShapeProto} ITensorShapeProto */
/** @typedef {import('onnx-proto').onnx.ITypeProto} ITypeProto */
/** @typedef {import('onnx-proto').onnx.IValueInfoProto} IValueInfoProto */
/** @typedef {import('onnx-proto').onnx.ModelProto} ModelProto */
/** @typedef {import('onnx-proto').onnx.NodeProto} NodeProto */
/** @typedef {import('onnx-proto').onnx.TensorProto} TensorProto */
/** @typedef {import('onnx-proto').onnx.TypeProto} TypeProto */
/** @typedef {import('onnx-proto').onnx.ValueInfoProto} ValueInfoProto */

/** ONNX TensorProto.DataType values (onnx-proto predates the 4-bit types, so these are listed here). */
export const ElementType = Object.freeze({
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
  UINT4: 21,
  INT4: 22,
});

/** ortex / onnxruntime-common tensor type names → ONNX element type. */
export const ELEMENT_TYPE_BY_NAME = Object.freeze({
  float32: ElementType.FLOAT,
  float64: ElementType.DOUBLE,
  float16: ElementType.FLOAT16,
  bfloat16: ElementType.BFLOAT16,
  int8: ElementType.INT8,
  int16: ElementType.INT16,
  int32: ElementType.INT32,
  int64: ElementType.INT64,
  uint8: ElementType.UINT8,
  uint16: ElementType.UINT16,
  uint32: ElementType.UINT32,
  uint64: ElementType.UINT64,
  bool: ElementType.BOOL,
  string: ElementType.STRING,
  int4: ElementType.INT4,
  uint4: ElementType.UINT4,
});

/**
 * TypedArray constructor holding each fixed-size element type's values (4-bit types: packed bytes).
 * @type {Map<number, any>}
 */
const TYPED_ARRAY_BY_ELEMENT_TYPE = new Map(
  /** @type {Array<[number, any]>} */ ([
    [ElementType.FLOAT, Float32Array],
    [ElementType.UINT8, Uint8Array],
    [ElementType.INT8, Int8Array],
    [ElementType.UINT16, Uint16Array],
    [ElementType.INT16, Int16Array],
    [ElementType.INT32, Int32Array],
    [ElementType.INT64, BigInt64Array],
    [ElementType.BOOL, Uint8Array],
    [ElementType.FLOAT16, Uint16Array],
    [ElementType.DOUBLE, Float64Array],
    [ElementType.UINT32, Uint32Array],
    [ElementType.UINT64, BigUint64Array],
    [ElementType.BFLOAT16, Uint16Array],
    [ElementType.UINT4, Uint8Array],
    [ElementType.INT4, Uint8Array],
  ]),
);

/** @type {Set<number>} */
const FOUR_BIT_TYPES = new Set([ElementType.INT4, ElementType.UINT4]);

/** @typedef {number | keyof typeof ELEMENT_TYPE_BY_NAME} ElementTypeLike */
/** @typedef {number | string | null} Dim  number: static, string: symbolic, null: unknown */
/**
 * @typedef {Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array
 *   | Uint8Array | Uint16Array | Uint32Array | BigUint64Array} TypedArray
 */

/**
 * @param {ElementTypeLike} elementType
 * @returns {number} the ONNX enum value
 */
export function resolveElementType(elementType) {
  if (typeof elementType === 'number') return elementType;
  const resolved = ELEMENT_TYPE_BY_NAME[elementType];
  if (resolved === undefined) throw new TypeError(`unknown element type '${elementType}'`);
  return resolved;
}

/**
 * @param {number | bigint} value
 * @returns {any} a number, or a decimal string (protobufjs reads it with Long) beyond 2^53
 */
function toProtoInt64(value) {
  if (typeof value !== 'bigint') return value;
  if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  return value.toString(); // protobufjs parses decimal strings with Long
}

// ---------------------------------------------------------------------------------------------
// Types and value infos

/**
 * @param {Dim[] | undefined} shape
 * @returns {ITensorShapeProto | undefined}
 */
function shapeProto(shape) {
  if (shape === undefined) return undefined;
  return {
    dim: shape.map((dim) => {
      if (dim === null) return {};
      if (typeof dim === 'string') return { dimParam: dim };
      if (Number.isInteger(dim) && dim >= 0) return { dimValue: dim };
      throw new TypeError(`invalid dim ${String(dim)}: use a non-negative integer, a name, or null`);
    }),
  };
}

/**
 * Tensor type.
 * @param {ElementTypeLike} elementType
 * @param {Dim[]} [shape] omit for unknown rank; [] for a scalar
 * @returns {TypeProto}
 */
export function tensorType(elementType, shape) {
  const tensor = { elemType: resolveElementType(elementType) };
  const shapeMessage = shapeProto(shape);
  if (shapeMessage) tensor.shape = shapeMessage;
  return onnx.TypeProto.create({ tensorType: tensor });
}

/**
 * seq(elementType)
 * @param {ITypeProto} elementType
 * @returns {TypeProto}
 */
export function sequenceType(elementType) {
  return onnx.TypeProto.create({ sequenceType: { elemType: elementType } });
}

/**
 * optional(elementType)
 * @param {ITypeProto} elementType
 * @returns {TypeProto}
 */
export function optionalType(elementType) {
  return onnx.TypeProto.create({ optionalType: { elemType: elementType } });
}

/**
 * map(keyType, valueType)
 * @param {ElementTypeLike} keyType an integer or string element type
 * @param {ITypeProto} valueType
 * @returns {TypeProto}
 */
export function mapType(keyType, valueType) {
  return onnx.TypeProto.create({ mapType: { keyType: resolveElementType(keyType), valueType } });
}

/**
 * A graph input/output/value_info entry.
 * @param {string} name
 * @param {ITypeProto} type
 * @param {string} [docString]
 * @returns {ValueInfoProto}
 */
export function valueInfo(name, type, docString) {
  const info = onnx.ValueInfoProto.create({ name, type });
  if (docString) info.docString = docString;
  return info;
}

/**
 * Shorthand for valueInfo(name, tensorType(elementType, shape)).
 * @param {string} name
 * @param {ElementTypeLike} elementType
 * @param {Dim[]} [shape]
 * @returns {ValueInfoProto}
 */
export function tensorValueInfo(name, elementType, shape) {
  return valueInfo(name, tensorType(elementType, shape));
}

// ---------------------------------------------------------------------------------------------
// Tensors (initializers and tensor attributes)

/**
 * Number of elements in a tensor of these dims.
 * @param {number[]} dims
 */
export function elementCount(dims) {
  return dims.reduce((count, dim) => count * dim, 1);
}

/**
 * Pack 4-bit values two per byte, low nibble first (ONNX int4/uint4 layout).
 * @param {ArrayLike<number>} values int4: -8..7, uint4: 0..15
 * @returns {Uint8Array}
 */
export function packInt4(values) {
  const packed = new Uint8Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) {
    const nibble = values[i] & 0x0f;
    packed[i >> 1] |= i % 2 === 0 ? nibble : nibble << 4;
  }
  return packed;
}

const float32Scratch = new Float32Array(1);
const uint32Scratch = new Uint32Array(float32Scratch.buffer);

/**
 * IEEE half-precision bits of each value (round to nearest even).
 * @param {ArrayLike<number>} values
 * @returns {Uint16Array}
 */
export function toFloat16Bits(values) {
  const bits = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    float32Scratch[0] = values[i];
    const x = uint32Scratch[0];
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    let mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      bits[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf / NaN
      continue;
    }
    const halfExponent = exponent - 127 + 15;
    if (halfExponent >= 0x1f) {
      bits[i] = sign | 0x7c00; // overflow → Inf
    } else if (halfExponent <= 0) {
      if (halfExponent < -10) {
        bits[i] = sign; // underflow → ±0
        continue;
      }
      mantissa |= 0x800000;
      const shift = 14 - halfExponent;
      let half = mantissa >>> shift;
      const remainder = mantissa & ((1 << shift) - 1);
      const halfway = 1 << (shift - 1);
      if (remainder > halfway || (remainder === halfway && half & 1)) half++;
      bits[i] = sign | half;
    } else {
      let half = (halfExponent << 10) | (mantissa >>> 13);
      const remainder = mantissa & 0x1fff;
      if (remainder > 0x1000 || (remainder === 0x1000 && half & 1)) half++; // may carry into exponent: correct
      bits[i] = sign | half;
    }
  }
  return bits;
}

/**
 * bfloat16 bits of each value (round to nearest even).
 * @param {ArrayLike<number>} values
 * @returns {Uint16Array}
 */
export function toBfloat16Bits(values) {
  const bits = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    float32Scratch[0] = values[i];
    const x = uint32Scratch[0];
    if ((x & 0x7fffffff) > 0x7f800000) {
      bits[i] = (x >>> 16) | 0x40; // quiet NaN
      continue;
    }
    bits[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return bits;
}

/**
 * Little-endian bytes of a fixed-size tensor's data, checked against its type and dims.
 * Accepts the matching TypedArray, or a plain array (numbers; bigints for 64-bit; booleans for bool;
 * unpacked nibble values for int4/uint4; float values for float16/bfloat16).
 * @param {number} elementType
 * @param {number[]} dims
 * @param {TypedArray | ArrayLike<number | bigint | boolean>} data
 * @returns {Uint8Array} a copy
 */
export function tensorBytes(elementType, dims, data) {
  const ArrayType = TYPED_ARRAY_BY_ELEMENT_TYPE.get(elementType);
  if (!ArrayType) throw new TypeError(`element type ${elementType} has no fixed-size byte layout`);
  const count = elementCount(dims);
  let values;
  if (ArrayBuffer.isView(data)) {
    if (!(data instanceof ArrayType)) {
      throw new TypeError(`element type ${elementType} wants ${ArrayType.name}, got ${data.constructor.name}`);
    }
    values = data;
  } else if (FOUR_BIT_TYPES.has(elementType)) {
    values = packInt4(/** @type {ArrayLike<number>} */ (data));
  } else if (elementType === ElementType.FLOAT16) {
    values = toFloat16Bits(/** @type {ArrayLike<number>} */ (data));
  } else if (elementType === ElementType.BFLOAT16) {
    values = toBfloat16Bits(/** @type {ArrayLike<number>} */ (data));
  } else if (ArrayType === BigInt64Array || ArrayType === BigUint64Array) {
    values = ArrayType.from(/** @type {ArrayLike<number|bigint>} */ (data), (v) => BigInt(v));
  } else {
    values = ArrayType.from(/** @type {ArrayLike<number|boolean>} */ (data), (v) => Number(v));
  }
  const expectedLength = FOUR_BIT_TYPES.has(elementType) ? Math.ceil(count / 2) : count;
  if (values.length !== expectedLength) {
    throw new RangeError(`dims [${dims}] want ${expectedLength} ${ArrayType.name} entries, got ${values.length}`);
  }
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
}

/**
 * A TensorProto with inline data (raw_data; string_data for strings).
 * @param {string} name
 * @param {ElementTypeLike} elementType
 * @param {number[]} dims [] for a scalar
 * @param {TypedArray | ArrayLike<number | bigint | boolean | string>} data
 * @returns {TensorProto}
 */
export function tensor(name, elementType, dims, data) {
  const dataType = resolveElementType(elementType);
  const proto = onnx.TensorProto.create({ name, dataType, dims: dims.map(toProtoInt64) });
  if (dataType === ElementType.STRING) {
    const strings = /** @type {ArrayLike<string>} */ (data);
    if (strings.length !== elementCount(dims)) {
      throw new RangeError(`dims [${dims}] want ${elementCount(dims)} strings, got ${strings.length}`);
    }
    const encoder = new TextEncoder();
    proto.stringData = Array.from(strings, (s) => encoder.encode(s));
  } else {
    proto.rawData = tensorBytes(dataType, dims, /** @type {any} */ (data));
  }
  return proto;
}

/**
 * Collects tensor bytes destined for one external-data side file.
 * Tensors it makes reference the file by `location` (relative to the model file) with offset/length.
 */
export class ExternalDataFile {
  /**
   * @param {string} location file name relative to the model's directory, e.g. 'weights.bin'
   * @param {{ alignment?: number }} [options] each tensor's offset is a multiple of alignment (default 64)
   */
  constructor(location, { alignment = 64 } = {}) {
    this.location = location;
    this.alignment = alignment;
    /** @type {Uint8Array[]} */
    this.chunks = [];
    this.byteLength = 0;
  }

  /**
   * Appends the tensor's bytes to this file and returns a TensorProto that points at them.
   * @param {string} name
   * @param {ElementTypeLike} elementType not string
   * @param {number[]} dims
   * @param {TypedArray | ArrayLike<number | bigint | boolean>} data
   * @returns {TensorProto}
   */
  tensor(name, elementType, dims, data) {
    const dataType = resolveElementType(elementType);
    const bytes = tensorBytes(dataType, dims, data);
    const padding = (this.alignment - (this.byteLength % this.alignment)) % this.alignment;
    if (padding) this.chunks.push(new Uint8Array(padding));
    const offset = this.byteLength + padding;
    this.chunks.push(bytes);
    this.byteLength = offset + bytes.length;
    return onnx.TensorProto.create({
      name,
      dataType,
      dims: dims.map(toProtoInt64),
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: this.location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(bytes.length) },
      ],
    });
  }

  /** @returns {Uint8Array} the side file's contents */
  bytes() {
    const out = new Uint8Array(this.byteLength);
    let position = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, position);
      position += chunk.length;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Attributes and nodes

const AttributeType = onnx.AttributeProto.AttributeType;
const ATTRIBUTE_KIND = Symbol('attributeKind');

/** @typedef {{ [ATTRIBUTE_KIND]: string, value: unknown }} TaggedAttributeValue */

/** @param {string} kind @returns {(value: any) => TaggedAttributeValue} */
const tagAs = (kind) => (value) => ({ [ATTRIBUTE_KIND]: kind, value });

/**
 * Explicitly typed attribute values, for when inference from the JS value would guess wrong
 * (e.g. `alpha: attr.float(1)`, or an empty list `attr.ints([])`).
 */
export const attr = Object.freeze({
  int: tagAs('int'),
  float: tagAs('float'),
  string: tagAs('string'),
  ints: tagAs('ints'),
  floats: tagAs('floats'),
  strings: tagAs('strings'),
  tensor: tagAs('tensor'),
  graph: tagAs('graph'),
  type: tagAs('type'),
});

/** @param {unknown} value @returns {string} the attribute kind inferred from a plain JS value */
function inferAttributeKind(value) {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (value instanceof onnx.TensorProto) return 'tensor';
  if (value instanceof onnx.GraphProto) return 'graph';
  if (value instanceof onnx.TypeProto) return 'type';
  if (Array.isArray(value) && value.length > 0) {
    if (value.every((v) => typeof v === 'string')) return 'strings';
    if (value.every((v) => typeof v === 'bigint' || Number.isInteger(v))) return 'ints';
    if (value.every((v) => typeof v === 'number')) return 'floats';
  }
  throw new TypeError(`cannot infer an attribute type for ${String(value)}: wrap it with attr.*()`);
}

/**
 * One AttributeProto. Plain values are inferred: string → STRING, integer number or bigint → INT,
 * other number → FLOAT, arrays likewise (INTS only if every entry is an integer), TensorProto → TENSOR,
 * GraphProto → GRAPH, TypeProto → TYPE_PROTO. Use attr.*() to force a type.
 * @param {string} name
 * @param {unknown} value
 * @returns {AttributeProto}
 */
export function attribute(name, value) {
  const tagged = /** @type {TaggedAttributeValue} */ (value);
  const kind = tagged && typeof tagged === 'object' && ATTRIBUTE_KIND in tagged ? tagged[ATTRIBUTE_KIND] : inferAttributeKind(value);
  const plain = /** @type {any} */ (tagged && typeof tagged === 'object' && ATTRIBUTE_KIND in tagged ? tagged.value : value);
  const encoder = new TextEncoder();
  switch (kind) {
    case 'int':
      return onnx.AttributeProto.create({ name, type: AttributeType.INT, i: toProtoInt64(plain) });
    case 'float':
      return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: plain });
    case 'string':
      return onnx.AttributeProto.create({ name, type: AttributeType.STRING, s: encoder.encode(plain) });
    case 'ints':
      return onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: plain.map(toProtoInt64) });
    case 'floats':
      return onnx.AttributeProto.create({ name, type: AttributeType.FLOATS, floats: [...plain] });
    case 'strings':
      return onnx.AttributeProto.create({ name, type: AttributeType.STRINGS, strings: plain.map((s) => encoder.encode(s)) });
    case 'tensor':
      return onnx.AttributeProto.create({ name, type: AttributeType.TENSOR, t: plain });
    case 'graph':
      return onnx.AttributeProto.create({ name, type: AttributeType.GRAPH, g: plain });
    case 'type':
      return onnx.AttributeProto.create({ name, type: AttributeType.TYPE_PROTO, tp: plain });
    default:
      throw new TypeError(`unknown attribute kind ${kind}`);
  }
}

/**
 * A NodeProto. Use '' for an omitted optional input.
 * @param {string} opType
 * @param {string[]} inputs
 * @param {string[]} outputs
 * @param {Record<string, unknown>} [attributes] name → value (see attribute())
 * @param {{ name?: string, domain?: string, docString?: string }} [options]
 * @returns {NodeProto}
 */
export function node(opType, inputs, outputs, attributes = {}, { name, domain, docString } = {}) {
  const proto = onnx.NodeProto.create({
    opType,
    input: inputs,
    output: outputs,
    attribute: Object.entries(attributes).map(([attributeName, value]) => attribute(attributeName, value)),
  });
  if (name) proto.name = name;
  if (domain) proto.domain = domain;
  if (docString) proto.docString = docString;
  return proto;
}

// ---------------------------------------------------------------------------------------------
// Graphs and models

/**
 * @typedef {object} GraphOptions
 * @property {string} [name]
 * @property {INodeProto[]} nodes
 * @property {IValueInfoProto[]} inputs
 * @property {IValueInfoProto[]} outputs
 * @property {ITensorProto[]} [initializers]
 * @property {IValueInfoProto[]} [valueInfos] intermediate value types
 * @property {string} [docString]
 */

/**
 * A GraphProto (also usable as a graph attribute, e.g. for If/Loop bodies).
 * @param {GraphOptions} options
 * @returns {GraphProto}
 */
export function graph({ name = 'graph', nodes, inputs, outputs, initializers = [], valueInfos = [], docString }) {
  const proto = onnx.GraphProto.create({
    name,
    node: nodes,
    input: inputs,
    output: outputs,
    initializer: initializers,
    valueInfo: valueInfos,
  });
  if (docString) proto.docString = docString;
  return proto;
}

/**
 * Lowest IR version that may carry this opset of a domain (onnx.helper.VERSION_TABLE).
 * @param {string} domain '' / 'ai.onnx' or 'ai.onnx.ml'
 * @param {number} version
 */
export function minIrVersionForOpset(domain, version) {
  if (domain === 'ai.onnx.ml') return [0, 3, 6, 8, 9, 10][version] ?? 10;
  if (domain !== '' && domain !== 'ai.onnx') return 3;
  if (version <= 8) return 3;
  if (version <= 14) return [4, 5, 6, 7, 7, 7][version - 9];
  if (version <= 18) return 8;
  if (version <= 20) return 9;
  if (version <= 22) return 10;
  return 11;
}

/**
 * @typedef {object} ModelOptions
 * @property {IGraphProto | GraphOptions} graph
 * @property {Record<string, number>} opsetImports domain → version, e.g. { '': 17, 'ai.onnx.ml': 3 }
 * @property {number} [irVersion] default: the lowest IR version that allows every imported opset
 * @property {string} [producerName] default 'ortex-builder'
 * @property {string} [producerVersion]
 * @property {string} [domain]
 * @property {number} [modelVersion]
 * @property {string} [docString]
 * @property {Record<string, string>} [metadataProps]
 */

/**
 * A ModelProto.
 * @param {ModelOptions} options
 * @returns {ModelProto}
 */
export function model({
  graph: graphOrOptions,
  opsetImports,
  irVersion,
  producerName = 'ortex-builder',
  producerVersion,
  domain,
  modelVersion,
  docString,
  metadataProps,
}) {
  const opsets = Object.entries(opsetImports);
  if (opsets.length === 0) throw new TypeError('opsetImports must name at least one domain');
  const graphProto = graphOrOptions instanceof onnx.GraphProto ? graphOrOptions : graph(/** @type {GraphOptions} */ (graphOrOptions));
  const proto = onnx.ModelProto.create({
    irVersion: irVersion ?? Math.max(...opsets.map(([d, v]) => minIrVersionForOpset(d, v))),
    producerName,
    graph: graphProto,
    opsetImport: opsets.map(([opsetDomain, version]) => ({ domain: opsetDomain, version })),
  });
  if (producerVersion) proto.producerVersion = producerVersion;
  if (domain) proto.domain = domain;
  if (modelVersion !== undefined) proto.modelVersion = modelVersion;
  if (docString) proto.docString = docString;
  if (metadataProps) proto.metadataProps = Object.entries(metadataProps).map(([key, value]) => ({ key, value }));
  return proto;
}

/**
 * @param {IModelProto} modelProto
 * @returns {Uint8Array} the serialized model
 */
export function serializeModel(modelProto) {
  return onnx.ModelProto.encode(modelProto).finish();
}

/**
 * model() then serializeModel().
 * @param {ModelOptions} options
 * @returns {Uint8Array}
 */
export function buildModel(options) {
  return serializeModel(model(options));
}

/**
 * Decode serialized bytes back into a ModelProto (for inspection in tests).
 * @param {Uint8Array} bytes
 * @returns {ModelProto}
 */
export function parseModel(bytes) {
  return onnx.ModelProto.decode(bytes);
}
