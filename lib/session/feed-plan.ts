/**
 * FeedPlan: how a model's inputs are fed. One validation of feeds (unknown or missing inputs,
 * types, shapes, one wording) shared by InferenceSession and the Batcher's layout, and the
 * encodings the addon reads.
 *
 * Every call goes in two phases. `collect()` reads the feeds: the own enumerable keys of the
 * object, each value once, converted and checked; all user code a call can run (getters, proxies,
 * onnxruntime-common look-alike tensors, string elements) runs here. What it returns holds only
 * values ortex made (Tensors, snapshots of string arrays, fresh encodings), so the encoding that
 * follows, and the native call right after it, run no user code: a getter that starts another run
 * cannot reach the shared header buffer between the two.
 */
import { describe, invalid, type OrtexError } from '../base/errors.js';
import type { Encoded } from '../native/binding.js';
import { elementTypeByName, type TensorData } from '../tensor/element-types.js';
import { isTensor, Tensor, tensorCode, tensorData, tensorDevice, tensorDims } from '../tensor/tensor.js';
import { asTensor, checkTensor, disposedError, encodeValue, payloadOf, snapshotStrings } from '../tensor/value-codec.js';
import { formatType, type TypeMetadata, type ValueMetadata, valueType } from '../tensor/value-metadata.js';

type TensorMetadata = Extract<TypeMetadata, { kind: 'tensor' }>;

/** One model input as the plan checks it. */
export interface FeedSpec {
  readonly index: number;
  readonly name: string;
  /** How messages name it: "input 'x'". */
  readonly what: string;
  /** What messages say it expects: "a float32[N,4] tensor". */
  readonly expected: string;
  readonly type: TypeMetadata;
  /** The tensor type, when the input is a plain tensor. */
  readonly tensor: TensorMetadata | undefined;
  /** An optional input (ONNX optional type): null or absent feeds nothing. */
  readonly optional: boolean;
}

/** Feeds of one call after collect(): per input (model order), the checked value or undefined when not fed. */
export interface CollectedFeeds {
  /** Tensors for tensor inputs; the value as given for sequences, maps and optionals. */
  readonly values: readonly unknown[];
  /** Indices of the inputs fed, in the order of the feeds' keys. */
  readonly fed: readonly number[];
  /** Every fed input is a CPU tensor (the header fast path applies). */
  readonly cpuTensors: boolean;
}

const STRING = elementTypeByName('string')!;

/** A tensor over a snapshot of `t`'s strings. */
function stringSnapshot(t: Tensor, what: string): Tensor {
  return Tensor.fromNative(STRING, snapshotStrings(tensorData(t) as unknown[], what), tensorDims(t) as number[], false);
}

export class FeedPlan {
  readonly specs: readonly FeedSpec[];
  readonly names: readonly string[];
  /** Every input is a plain tensor. */
  readonly tensorsOnly: boolean;
  readonly #byName: Map<string, FeedSpec>;
  readonly #required: number;

  constructor(inputs: readonly ValueMetadata[]) {
    this.specs = inputs.map((m, index) => {
      const type = valueType(m);
      return {
        index,
        name: m.name,
        what: `input '${m.name}'`,
        expected: `a ${formatType(type)} tensor`,
        type,
        tensor: type.kind === 'tensor' ? type : undefined,
        optional: type.kind === 'optional',
      };
    });
    this.names = this.specs.map((s) => s.name);
    this.tensorsOnly = this.specs.every((s) => s.tensor !== undefined);
    this.#byName = new Map(this.specs.map((s) => [s.name, s]));
    this.#required = this.specs.filter((s) => !s.optional).length;
  }

  /**
   * Phase one: reads and checks `feeds` (own enumerable keys only; inherited ones are never fed).
   * Throws ERR_INVALID_INPUT for anything that does not fit the model.
   */
  collect(feeds: unknown): CollectedFeeds {
    if (feeds === null || typeof feeds !== 'object' || Array.isArray(feeds) || ArrayBuffer.isView(feeds) || isTensor(feeds)) {
      throw invalid('ERR_INVALID_INPUT', 'feeds', 'an object of input name → value', describe(feeds), 'type');
    }
    const source = feeds as Record<string, unknown>;
    const values = new Array<unknown>(this.specs.length);
    const fed: number[] = [];
    let present = 0;
    let cpuTensors = true;
    let missing = false;
    for (const name of Object.keys(source)) {
      const spec = this.#byName.get(name);
      if (spec === undefined) throw this.#unknownInput(name);
      const v = source[name];
      if (v === null || v === undefined) {
        if (!spec.optional) missing = true;
        continue;
      }
      if (spec.tensor !== undefined) {
        const t = asTensor(v, spec.what, spec.expected);
        checkTensor(t, spec.tensor, spec.what);
        if (tensorData(t) === undefined) {
          if (tensorDevice(t) === undefined) throw disposedError(spec.what);
          cpuTensors = false;
        }
        // A string tensor's elements are read now (getters included), so no user code runs later.
        values[spec.index] = spec.tensor.type === 'string' ? stringSnapshot(t, spec.what) : t;
      } else {
        cpuTensors = false;
        values[spec.index] = v;
      }
      fed.push(spec.index);
      if (!spec.optional) present++;
    }
    if (missing || present !== this.#required) throw this.#missingInputs(values);
    return { values, fed, cpuTensors };
  }

  /**
   * The inputs' tensors in model order, for a plan whose inputs are all tensors and all required
   * (the Batcher's): checked like collect().
   */
  tensors(feeds: unknown): Tensor[] {
    return this.collect(feeds).values as Tensor[];
  }

  /**
   * Phase two, fast path (every fed input a CPU tensor): writes shapes into `h` from position 2
   * and returns the payloads (input data, snapshots of strings) followed
   * by the data of each caller-provided output. Reads only what ortex made: no user code runs.
   */
  encodeTensors(
    collected: CollectedFeeds,
    outputs: readonly number[],
    fetchTensors: readonly (Tensor | undefined)[] | undefined,
    h: Float64Array,
  ): TensorData[] {
    const payloads: TensorData[] = [];
    let p = 2;
    for (const index of collected.fed) {
      const t = collected.values[index] as Tensor;
      const dims = tensorDims(t);
      const rank = dims.length;
      if (p + 3 + rank > h.length) throw invalid('ERR_INVALID_INPUT', 'feeds', 'fewer inputs', 'more than fit the header');
      h[p++] = index;
      h[p++] = tensorCode(t);
      h[p++] = rank;
      for (let d = 0; d < rank; d++) h[p++] = dims[d]!;
      const data = tensorData(t)!;
      payloads.push(Array.isArray(data) ? data : payloadOf(t)); // strings: collect() took a snapshot
    }
    h[0] = collected.fed.length;
    h[1] = outputs.length;
    for (let i = 0; i < outputs.length; i++) {
      const fetched = fetchTensors?.[i];
      const dims = fetched ? tensorDims(fetched) : undefined;
      if (p + 4 + (dims ? dims.length : 0) > h.length)
        throw invalid('ERR_INVALID_INPUT', 'fetches', 'fewer outputs', 'more than fit the header');
      h[p++] = outputs[i]!;
      if (fetched) {
        h[p++] = 1;
        h[p++] = tensorCode(fetched);
        h[p++] = dims!.length;
        for (const d of dims!) h[p++] = d;
        payloads.push(tensorData(fetched)!);
      } else {
        h[p++] = 0;
      }
    }
    return payloads;
  }

  /** General path: any value kind, as [input indices, [code, payload, dims] triples]. */
  encodeValues(collected: CollectedFeeds): [number[], Encoded] {
    const encoded: Encoded = [];
    for (const index of collected.fed) {
      const spec = this.specs[index]!;
      encodeValue(collected.values[index], spec.type, spec.what, encoded);
    }
    return [collected.fed as number[], encoded];
  }

  #unknownInput(name: string): OrtexError {
    return invalid(
      'ERR_INVALID_INPUT',
      'feeds',
      `only the model's inputs (${this.names.map((n) => `'${n}'`).join(', ')})`,
      `unknown input '${name}'`,
    );
  }

  #missingInputs(values: readonly unknown[]): OrtexError {
    const missing = this.specs.filter((s) => !s.optional && values[s.index] === undefined);
    return invalid(
      'ERR_INVALID_INPUT',
      'feeds',
      'a value for every required input',
      `no value for ${missing.map((s) => `'${s.name}'`).join(', ')}`,
    );
  }
}
