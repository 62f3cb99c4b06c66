/**
 * OutputPlan: which outputs a run computes (`fetches`: output names, or caller-provided tensors
 * that ORT writes in place) and how the addon's results become the result object. Results hold
 * every output as an own property, whatever its name (`__proto__` included).
 */
import { describe, invalid } from '../base/errors.js';
import { setOwn } from '../base/own.js';
import type { Encoded } from '../native/binding.js';
import { elementTypeByCode, type TensorData } from '../tensor/element-types.js';
import { isTensor, Tensor, tensorCode, tensorData, tensorDevice, tensorDims, tensorMustCopy } from '../tensor/tensor.js';
import { checkTensor, decodeValue, disposedError, isExternal, type OnnxValue } from '../tensor/value-codec.js';
import type { ValueMetadata } from '../tensor/value-metadata.js';

/** Outputs of one run: their indices, and the caller's tensor for each (or undefined) when fetches provided some. */
export interface Fetches {
  outputs: readonly number[];
  fetchTensors?: (Tensor | undefined)[];
}

export class OutputPlan {
  readonly names: readonly string[];
  /** Every output, in model order. */
  readonly all: Fetches;
  readonly #metadata: readonly ValueMetadata[];
  readonly #index: Map<string, number>;

  constructor(outputs: readonly ValueMetadata[]) {
    this.#metadata = outputs;
    this.names = outputs.map((o) => o.name);
    this.#index = new Map(this.names.map((n, i) => [n, i]));
    this.all = { outputs: this.names.map((_, i) => i) };
  }

  /** True when every key of `keys` names an output (the argument is fetches, not run options). */
  isFetchesObject(keys: readonly string[]): boolean {
    return keys.length > 0 && keys.every((k) => this.#index.has(k));
  }

  #indexOf(name: unknown): number {
    const i = typeof name === 'string' ? this.#index.get(name) : undefined;
    if (i === undefined)
      throw invalid(
        'ERR_INVALID_INPUT',
        'fetches',
        `names of the model's outputs (${this.names.map((n) => `'${n}'`).join(', ')})`,
        describe(name),
        typeof name === 'string' ? 'range' : 'type', // onnxruntime-common: RangeError for an unknown name
      );
    return i;
  }

  /** Fetches given as an array of output names. */
  fromNames(names: readonly unknown[]): Fetches {
    if (names.length === 0) throw invalid('ERR_INVALID_INPUT', 'fetches', 'at least one output name', 'an empty array', 'type');
    const outputs = new Array<number>(names.length);
    for (let i = 0; i < names.length; i++) outputs[i] = this.#indexOf(names[i]);
    return { outputs };
  }

  /** Fetches given as an object of output name → null or a CPU Tensor to write into (own keys `keys`, read once each). */
  fromObject(arg: Record<string, unknown>, keys: readonly string[]): Fetches {
    const outputs: number[] = [];
    const fetchTensors: (Tensor | undefined)[] = [];
    for (const k of keys) {
      const index = this.#indexOf(k);
      const v = arg[k];
      outputs.push(index);
      const spec = this.#metadata[index]!;
      if (v === null || v === undefined) {
        fetchTensors.push(undefined);
        continue;
      }
      const what = `fetches.${k}`;
      if (!isTensor(v) || !spec.isTensor || tensorDevice(v) !== undefined)
        throw invalid('ERR_INVALID_INPUT', what, 'null or a CPU ortex Tensor for a tensor output', describe(v), 'type');
      if (tensorData(v) === undefined) throw disposedError(what);
      if (tensorMustCopy(v))
        throw invalid(
          'ERR_INVALID_INPUT',
          what,
          'a tensor over a plain ArrayBuffer (ORT writes into it)',
          'a shared or resizable buffer',
          'type',
        );
      checkTensor(v, { kind: 'tensor', type: spec.type, shape: spec.shape }, what);
      fetchTensors.push(v);
    }
    return { outputs, fetchTensors };
  }

  /** Caller-provided outputs in the general encoding ([code, data, dims], or [0, null, null] for none). */
  encodeFetches(f: Fetches): Encoded | undefined {
    const fetchTensors = f.fetchTensors;
    if (fetchTensors === undefined) return undefined;
    const encoded: Encoded = [];
    for (let i = 0; i < f.outputs.length; i++) {
      const t = fetchTensors[i];
      if (t) encoded.push(tensorCode(t), tensorData(t), tensorDims(t));
      else encoded.push(0, null, null);
    }
    return encoded;
  }

  /** Inline fast-path result: output data in `result`, (type, rank, dims...) per output in `h`. */
  decodeInline(h: Float64Array, result: readonly unknown[], f: Fetches, copyBelow: number): Record<string, OnnxValue> {
    const out: Record<string, OnnxValue> = {};
    const names = this.names;
    const outputs = f.outputs;
    let p = 0;
    for (let i = 0; i < outputs.length; i++) {
      const code = h[p++]!;
      const rank = h[p++]!;
      const name = names[outputs[i]!]!;
      if (code === 0) {
        setOwn(out, name, f.fetchTensors![i]!);
        continue;
      }
      const dims = new Array<number>(rank);
      for (let d = 0; d < rank; d++) dims[d] = h[p++]!;
      const data = result[i] as TensorData;
      setOwn(out, name, Tensor.fromNative(elementTypeByCode(code)!, data, dims, isExternal(data, copyBelow)));
    }
    return out;
  }

  /** General result: [code, payload, dims] triples, one per output. */
  decode(result: Encoded, f: Fetches, copyBelow: number): Record<string, OnnxValue> {
    const out: Record<string, OnnxValue> = {};
    const names = this.names;
    const outputs = f.outputs;
    for (let i = 0; i < outputs.length; i++) setOwn(out, names[outputs[i]!]!, decodeValue(result, i * 3, f.fetchTensors?.[i], copyBelow));
    return out;
  }
}
