/**
 * The Open Inference Protocol (KServe v2) inference request and response, JSON and with
 * Triton's binary tensor data extension. Interop rules from the real clients (tritonclient.http,
 * Triton's C++ client behind perf_analyzer, KServe's InferenceRESTClient):
 * - a body without Content-Type, or `application/json` with `Inference-Header-Content-Length`,
 *   is accepted (the header then gives the JSON part's length; binary data follows);
 * - a JSON output has a flat `data` array and no `parameters` key; a binary one has
 *   `parameters.binary_data_size` and no `data`;
 * - `model_name` and `id` are always in the answer; unknown top-level keys are ignored.
 */
import secureJson from 'secure-json-parse';
import { describe, invalid, OrtexError } from '../base/errors.js';
import { integer } from '../base/validate.js';
import type { FeedsType, ReturnType } from '../session/session.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ValueMetadata } from '../tensor/value-metadata.js';
import { datatypeByName } from './datatypes.js';
import type { ModelVersion } from './model-version.js';
import {
  checkElementCount,
  checkShape,
  datatypeOf,
  tensorFromBinary,
  tensorFromJson,
  tensorToBinary,
  tensorToJson,
} from './tensor-codec.js';

const parameters = { type: 'object' } as const;

/**
 * The request's JSON part, checked by Fastify on the infer routes (routes/v2.ts). `data` arrays
 * are checked element by element by the decoder, not here.
 */
export const INFER_REQUEST_SCHEMA = {
  title: 'the inference request',
  type: 'object',
  required: ['inputs'],
  properties: {
    id: { type: 'string' },
    parameters,
    inputs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'shape', 'datatype'],
        properties: {
          name: { type: 'string' },
          shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
          datatype: { type: 'string' },
          parameters: { type: 'object', properties: { binary_data_size: { type: 'integer', minimum: 0 } } },
          data: {},
        },
      },
    },
    outputs: {
      type: 'array',
      items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, parameters } },
    },
  },
} as const;

interface InferInput {
  name: string;
  shape: number[];
  datatype: string;
  parameters?: Record<string, unknown>;
  data?: unknown;
}

export interface InferRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: InferInput[];
  outputs?: { name: string; parameters?: Record<string, unknown> }[];
}

/** The JSON part (parsed, not yet checked against INFER_REQUEST_SCHEMA) and the binary part of a body. */
export function splitBody(body: Buffer, headerLength: string | undefined): { header: unknown; binary: Uint8Array } {
  let jsonEnd = body.byteLength;
  if (headerLength !== undefined)
    jsonEnd = integer(
      headerLength.trim() === '' ? NaN : Number(headerLength),
      'the Inference-Header-Content-Length header',
      0,
      body.byteLength,
      'ERR_INVALID_INPUT',
    );
  let header: unknown;
  try {
    header = secureJson.parse(body.toString('utf8', 0, jsonEnd), undefined, { protoAction: 'remove', constructorAction: 'remove' });
  } catch (e) {
    throw new OrtexError('ERR_INVALID_INPUT', `expected a JSON inference request, received malformed JSON: ${(e as Error).message}`);
  }
  return { header, binary: body.subarray(jsonEnd) };
}

/** A version's values by name, computed once per version. */
const valuesByName = new WeakMap<readonly ValueMetadata[], Map<string, ValueMetadata>>();
function byNameOf(list: readonly ValueMetadata[]): Map<string, ValueMetadata> {
  let m = valuesByName.get(list);
  if (!m) {
    m = new Map(list.map((v) => [v.name, v]));
    valuesByName.set(list, m);
  }
  return m;
}

/** Feeds for `version` from a decoded request: names, datatypes, shapes, lengths and limits checked. */
export function decodeInputs(req: InferRequest, binary: Uint8Array, version: ModelVersion): FeedsType {
  const feeds: FeedsType = {};
  const byName = byNameOf(version.inputMetadata);
  let offset = 0;
  const max = version.limits.maxElementsPerTensor;
  for (let i = 0; i < req.inputs.length; i++) {
    const input = req.inputs[i]!;
    const meta = byName.get(input.name);
    const what = `input '${input.name}'`;
    if (!meta)
      throw invalid(
        'ERR_INVALID_INPUT',
        `inputs[${i}].name`,
        `one of the model's inputs (${version.inputNames.map((n) => `'${n}'`).join(', ')})`,
        `'${input.name}'`,
      );
    if (Object.hasOwn(feeds, input.name))
      throw invalid('ERR_INVALID_INPUT', `inputs[${i}].name`, 'each input once', `'${input.name}' again`);
    const expected = datatypeOf(meta, what);
    const given = datatypeByName(input.datatype);
    if (given !== expected)
      throw invalid(
        'ERR_INVALID_INPUT',
        what,
        `datatype ${expected.oip}`,
        given ? `datatype ${given.oip}` : `unknown datatype ${describe(input.datatype)}`,
      );
    const dims = checkShape(input.shape, meta as Extract<ValueMetadata, { isTensor: true }>, what);
    checkElementCount(
      dims.reduce((a, b) => a * b, 1),
      max,
      what,
    );
    const p = input.parameters;
    if (p?.shared_memory_region !== undefined)
      throw invalid('ERR_INVALID_INPUT', what, 'data in the request (no shared memory)', 'parameters.shared_memory_region');
    const size = p?.binary_data_size as number | undefined; // an integer ≥ 0 (INFER_REQUEST_SCHEMA)
    let t: Tensor;
    if (size !== undefined) {
      if (input.data !== undefined) throw invalid('ERR_INVALID_INPUT', what, 'either data or binary_data_size', 'both');
      if (offset + size > binary.byteLength)
        throw invalid(
          'ERR_INVALID_INPUT',
          `the binary data of ${what}`,
          `${size} bytes`,
          `${binary.byteLength - offset} bytes left in the body`,
        );
      t = tensorFromBinary(expected, binary.subarray(offset, offset + size), dims, what);
      offset += size;
    } else {
      if (input.data === undefined) throw invalid('ERR_INVALID_INPUT', what, 'data or parameters.binary_data_size', 'neither');
      t = tensorFromJson(expected, input.data, dims, what);
    }
    feeds[input.name] = t;
  }
  if (offset !== binary.byteLength)
    throw invalid('ERR_INVALID_INPUT', 'the request body', `${offset} bytes of binary tensor data after the JSON`, `${binary.byteLength}`);
  const missing = req.inputs.length === version.inputNames.length ? [] : version.inputNames.filter((n) => !Object.hasOwn(feeds, n));
  if (missing.length)
    throw invalid(
      'ERR_INVALID_INPUT',
      'the inference request',
      'a value for every model input',
      `none for ${missing.map((n) => `'${n}'`).join(', ')}`,
    );
  return feeds;
}

/** Which outputs to return, and which of them as binary. */
export function requestedOutputs(req: InferRequest, version: ModelVersion): { name: string; binary: boolean }[] {
  const allBinary = req.parameters?.binary_data_output === true;
  const binaryOf = (name: string, p?: Record<string, unknown>) => {
    if (p?.binary_data !== undefined) return p.binary_data === true;
    // BF16 has no JSON form: it is always sent as binary.
    const meta = byNameOf(version.outputMetadata).get(name);
    return allBinary || (meta?.isTensor === true && meta.type === 'bfloat16');
  };
  if (!req.outputs || req.outputs.length === 0) return version.outputNames.map((name) => ({ name, binary: binaryOf(name) }));
  return req.outputs.map((o, i) => {
    if (!version.outputNames.includes(o.name))
      throw invalid(
        'ERR_INVALID_INPUT',
        `outputs[${i}].name`,
        `one of the model's outputs (${version.outputNames.map((n) => `'${n}'`).join(', ')})`,
        `'${o.name}'`,
      );
    if (o.parameters?.shared_memory_region !== undefined)
      throw invalid('ERR_INVALID_INPUT', `output '${o.name}'`, 'data in the answer (no shared memory)', 'parameters.shared_memory_region');
    return { name: o.name, binary: binaryOf(o.name, o.parameters) };
  });
}

/** The answer: JSON text, or JSON + binary bytes with the JSON part's length for the header. */
export function encodeResponse(
  version: ModelVersion,
  id: string,
  outputs: ReturnType,
  wanted: { name: string; binary: boolean }[],
): { body: string | Buffer; headerLength?: number } {
  const binaries: Uint8Array[] = [];
  const outputMeta = byNameOf(version.outputMetadata);
  const list = wanted.map(({ name, binary }) => {
    const t = outputs[name] as Tensor;
    const meta = outputMeta.get(name)!;
    const datatype = datatypeOf(meta, `output '${name}'`).oip;
    if (binary) {
      const bytes = tensorToBinary(t);
      binaries.push(bytes);
      return { name, datatype, shape: t.dims, parameters: { binary_data_size: bytes.byteLength } };
    }
    return { name, datatype, shape: t.dims, data: tensorToJson(t) };
  });
  const text = JSON.stringify({ model_name: version.model, model_version: version.version, id, outputs: list });
  if (binaries.length === 0) return { body: text };
  const json = Buffer.from(text);
  return { body: Buffer.concat([json, ...binaries]), headerLength: json.byteLength };
}
