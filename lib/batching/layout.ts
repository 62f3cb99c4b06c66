/**
 * How a model's inputs and outputs batch: the batch axis (found in the metadata or configured),
 * the padded axis (opt-in), and the per-request check that turns feeds into tensors in model input
 * order with their row count and shape-group key.
 */
import { elementTypeByName, type ElementTypeInfo, type TensorType } from '../tensor/element-types.js';
import { describe, invalid, type OrtexError } from '../base/errors.js';
import { FeedPlan } from '../session/feed-plan.js';
import type { FeedsType } from '../session/session.js';
import { type Tensor, tensorDims } from '../tensor/tensor.js';
import { formatType, type Dim, type ValueMetadata, valueType } from '../tensor/value-metadata.js';

/**
 * Opt-in padding of one dynamic axis (e.g. the width of text-line images): requests that differ
 * only along it share a batch, padded with `value` to the longest in the batch; each result
 * reports the request's own length under {@link PADDING} so the caller can crop.
 *
 * Name the axis by its symbolic dimension (`dim`, as in `inputMetadata[i].shape`; every input
 * with that dimension is padded, and they must agree on its length), or by `input` and `axis`.
 */
export interface PaddingPolicy {
  /** Symbolic dimension name, e.g. 'W' or 'p2o.DynamicDimension.1'. */
  dim?: string;
  /** Input name (with `axis`) when the dimension has no usable name. */
  input?: string;
  /** Axis of `input` to pad. */
  axis?: number;
  /**
   * Pad value, default 0. Written into the storage array as is (a bigint for int64/uint64, raw
   * bits for float16/bfloat16, a string for string tensors).
   */
  value?: number | bigint | string;
}

/** Lengths of a request along the padded axis, reported with its result. */
export interface PaddingInfo {
  /** Padded axis of each padded input, by input name. */
  axes: Readonly<Record<string, number>>;
  /** The request's own length along the padded axis. */
  length: number;
  /** The length it was padded to (the longest in its batch). */
  paddedLength: number;
}

/** One model input as the batcher sees it. */
export interface InputLayout {
  readonly name: string;
  readonly index: number;
  readonly type: TensorType;
  readonly info: ElementTypeInfo;
  /** Declared shape; empty when the model leaves the shape unknown. */
  readonly shape: readonly Dim[];
  /** Padded axis of this input, or -1. */
  readonly padAxis: number;
  /** A non-batch, non-padded axis is free: its size goes into the shape-group key. */
  readonly freeAxes: readonly number[];
  /** How messages name it: "input 'x'". */
  readonly what: string;
}

/** One model output as the batcher sees it. */
export interface OutputLayout {
  readonly name: string;
  readonly type: TensorType;
  readonly info: ElementTypeInfo;
}

/** A request checked against the layout. */
export interface PreparedRequest {
  /** The feeds as tensors, in model input order. */
  tensors: Tensor[];
  /** Rows along the batch axis (1 when the batcher does not merge). */
  rows: number;
  /** Requests with equal keys may share a batch. */
  key: string;
  /** Length along the padded axis (0 without padding). */
  padLength: number;
}

function isFree(d: Dim | undefined): boolean {
  return typeof d === 'string' || d === null;
}

function fmtValue(m: ValueMetadata, kind: string): string {
  return `${kind} '${m.name}' ${formatType(valueType(m))}`;
}

/** Everything the batcher needs to know about how the model batches. */
export class BatchLayout {
  /** Batch axis of every input and output, or null when requests are queued but never merged. */
  readonly axis: number | null;
  readonly inputs: readonly InputLayout[];
  readonly outputs: readonly OutputLayout[];
  readonly inputNames: readonly string[];
  /** Padding policy resolved, or undefined. */
  readonly padding: { readonly value: number | bigint | string; readonly axes: Readonly<Record<string, number>> } | undefined;
  /** No input has a free non-batch axis and nothing is padded: every request has the same key. */
  readonly constantKey: boolean;
  /** Feed validation, shared with InferenceSession (undefined when not merging: feeds go to the target as given). */
  readonly #plan: FeedPlan | undefined;

  constructor(
    inputMetadata: readonly ValueMetadata[],
    outputMetadata: readonly ValueMetadata[],
    axis: number | null,
    padding: PaddingPolicy | undefined,
  ) {
    this.axis = axis;
    this.inputNames = inputMetadata.map((m) => m.name);
    if (axis === null) {
      if (padding !== undefined)
        throw invalid(
          'ERR_INVALID_ARGUMENT',
          'Batcher option padding',
          'no padding when batchAxis is null (requests are not merged)',
          'a padding policy',
        );
      this.inputs = [];
      this.outputs = [];
      this.padding = undefined;
      this.constantKey = true;
      this.#plan = undefined;
      return;
    }
    const noAxis = (m: ValueMetadata, kind: string, why: string): OrtexError =>
      invalid(
        'ERR_INVALID_ARGUMENT',
        `the batch axis (batchAxis ${axis}) of the Batcher's model`,
        `a symbolic or unknown dimension at axis ${axis} of every input and output (set batchAxis to the model's batch axis, or to null to queue requests without merging them)`,
        `${fmtValue(m, kind)}${why}`,
      );
    for (const [list, kind] of [
      [inputMetadata, 'input'],
      [outputMetadata, 'output'],
    ] as const) {
      for (const m of list) {
        if (!m.isTensor) throw noAxis(m, kind, ', which is not a tensor');
        const info = elementTypeByName(m.type);
        if (!info || info.packed4) throw noAxis(m, kind, ' (4-bit tensors cannot be merged row by row)');
        // Rank-0 metadata means "unknown shape": accepted, checked on every batch.
        if (m.shape.length > 0 && (m.shape.length <= axis || !isFree(m.shape[axis]))) throw noAxis(m, kind, '');
      }
    }
    const padAxes = resolvePadding(inputMetadata, axis, padding);
    this.inputs = inputMetadata.map((m, index) => {
      const shape = (m as Extract<ValueMetadata, { isTensor: true }>).shape;
      const type = (m as Extract<ValueMetadata, { isTensor: true }>).type;
      const padAxis = padAxes.get(m.name) ?? -1;
      const freeAxes: number[] = [];
      shape.forEach((d, i) => {
        if (i !== axis && i !== padAxis && isFree(d)) freeAxes.push(i);
      });
      return {
        name: m.name,
        index,
        type,
        info: elementTypeByName(type)!,
        shape,
        padAxis,
        freeAxes,
        what: `input '${m.name}'`,
      };
    });
    this.outputs = outputMetadata.map((m) => {
      const type = (m as { type: TensorType }).type;
      return { name: m.name, type, info: elementTypeByName(type)! };
    });
    this.padding =
      padAxes.size > 0
        ? {
            value: padValue(
              padding!,
              this.inputs.filter((i) => i.padAxis >= 0),
            ),
            axes: Object.freeze(Object.fromEntries(padAxes)),
          }
        : undefined;
    this.constantKey = padAxes.size === 0 && this.inputs.every((i) => i.shape.length > 0 && i.freeAxes.length === 0);
    this.#plan = new FeedPlan(inputMetadata);
  }

  /**
   * Checks a request's feeds (every input present, types, ranks, static dims, one row count over
   * all inputs) and computes its shape-group key. Throws ERR_INVALID_INPUT.
   */
  prepare(feeds: FeedsType): PreparedRequest {
    const axis = this.axis!;
    const inputs = this.inputs;
    const tensors = this.#plan!.tensors(feeds);
    let rows = -1;
    let key = '';
    let padLength = 0;
    for (let j = 0; j < inputs.length; j++) {
      const input = inputs[j]!;
      const dims = tensorDims(tensors[j]!);
      if (dims.length <= axis)
        throw invalid('ERR_INVALID_INPUT', input.what, `a tensor with a batch axis ${axis}`, `dims [${dims.join(',')}]`);
      const r = dims[axis]!;
      if (rows < 0) rows = r;
      else if (r !== rows) {
        throw invalid(
          'ERR_INVALID_INPUT',
          input.what,
          `the same number of rows along the batch axis as the other inputs (${rows})`,
          `${r} rows, dims [${dims.join(',')}]`,
        );
      }
      if (input.padAxis >= 0) {
        const len = dims[input.padAxis]!;
        if (padLength === 0 || padLength === len) padLength = len;
        else
          throw invalid(
            'ERR_INVALID_INPUT',
            input.what,
            `the same length along the padded dimension as the other padded inputs (${padLength})`,
            `${len}`,
          );
      }
      if (!this.constantKey) {
        if (input.shape.length === 0) {
          key += `${input.name}:${dims.length}:`;
          for (let i = 0; i < dims.length; i++) if (i !== axis && i !== input.padAxis) key += `${dims[i]},`;
        } else {
          for (const i of input.freeAxes) key += `${dims[i]},`;
        }
        key += ';';
      }
    }
    return { tensors, rows, key, padLength };
  }
}

function resolvePadding(inputs: readonly ValueMetadata[], axis: number, p: PaddingPolicy | undefined): Map<string, number> {
  const axes = new Map<string, number>();
  if (p === undefined) return axes;
  const what = 'Batcher option padding';
  if (p === null || typeof p !== 'object')
    throw invalid('ERR_INVALID_ARGUMENT', what, '{ dim } or { input, axis }, with an optional value', describe(p));
  for (const k of Object.keys(p)) {
    if (!['dim', 'input', 'axis', 'value'].includes(k))
      throw invalid('ERR_INVALID_ARGUMENT', what, 'only the keys dim, input, axis and value', `key '${k}'`);
  }
  if (p.dim !== undefined) {
    if (typeof p.dim !== 'string' || p.dim === '')
      throw invalid('ERR_INVALID_ARGUMENT', `${what}.dim`, 'a symbolic dimension name', describe(p.dim));
    if (p.input !== undefined || p.axis !== undefined) throw invalid('ERR_INVALID_ARGUMENT', what, 'either dim or input and axis', 'both');
    for (const m of inputs) {
      if (!m.isTensor) continue;
      const found = m.shape.map((d, i) => (d === p.dim ? i : -1)).filter((i) => i >= 0);
      if (found.length > 1)
        throw invalid(
          'ERR_INVALID_ARGUMENT',
          `${what}.dim`,
          'a dimension that appears once per input',
          `'${p.dim}' at axes ${found.join(', ')} of input '${m.name}'`,
        );
      if (found.length === 1) axes.set(m.name, found[0]!);
    }
    if (axes.size === 0) {
      const dims = inputs.flatMap((m) => (m.isTensor ? m.shape.filter((d): d is string => typeof d === 'string') : []));
      throw invalid(
        'ERR_INVALID_ARGUMENT',
        `${what}.dim`,
        `a symbolic dimension of the model's inputs (${[...new Set(dims)].map((d) => `'${d}'`).join(', ') || 'none'})`,
        `'${p.dim}'`,
      );
    }
  } else {
    const m = inputs.find((i) => i.name === p.input);
    if (m === undefined || !m.isTensor)
      throw invalid(
        'ERR_INVALID_ARGUMENT',
        `${what}.input`,
        `an input name (${inputs.map((i) => `'${i.name}'`).join(', ')})`,
        describe(p.input),
      );
    const rank = m.shape.length;
    if (typeof p.axis !== 'number' || !Number.isInteger(p.axis) || p.axis < 0 || (rank > 0 && p.axis >= rank)) {
      throw invalid(
        'ERR_INVALID_ARGUMENT',
        `${what}.axis`,
        rank > 0 ? `an integer from 0 to ${rank - 1}` : 'a non-negative integer',
        describe(p.axis),
      );
    }
    if (rank > 0 && !isFree(m.shape[p.axis]))
      throw invalid(
        'ERR_INVALID_ARGUMENT',
        `${what}.axis`,
        'a dynamic (symbolic or unknown) axis',
        `axis ${p.axis} of input '${m.name}', fixed at ${m.shape[p.axis]}`,
      );
    axes.set(m.name, p.axis);
  }
  for (const [name, a] of axes) {
    if (a === axis) throw invalid('ERR_INVALID_ARGUMENT', what, 'an axis other than the batch axis', `axis ${a} of input '${name}'`);
  }
  return axes;
}

function padValue(p: PaddingPolicy, padded: InputLayout[]): number | bigint | string {
  const v = p.value ?? 0;
  for (const input of padded) {
    const info = input.info;
    const ok =
      info.array === undefined
        ? typeof v === 'string'
        : info.array === BigInt64Array || info.array === BigUint64Array
          ? typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v))
          : typeof v === 'number';
    if (!ok)
      throw invalid('ERR_INVALID_ARGUMENT', 'Batcher option padding.value', `a value for ${input.type} input '${input.name}'`, describe(v));
  }
  return v;
}
