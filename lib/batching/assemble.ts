/**
 * Assembling batches from requests and results from batches, next to the tensor plumbing in
 * merge.ts: merge the requests of a batch into one feeds object (pooled buffers along axis 0),
 * cut the batch's outputs back into per-request results, split an oversize request into parts of
 * at most maxBatchSize rows, and reassemble the results of those parts.
 */
import { OrtexError } from '../base/errors.js';
import { setOwn } from '../base/own.js';
import type { FeedsType, ReturnType } from '../session/session.js';
import { type Tensor, tensorDims } from '../tensor/tensor.js';
import type { BatchLayout } from './layout.js';
import { checkOutputRows, concatTensors, MergeBuffers, sliceRows, splitTensor, type Typed } from './merge.js';
import type { BatchEntry, BatchResult } from './queue.js';

export class Assembler {
  readonly #layout: BatchLayout;
  readonly #axis: number;
  readonly #maxBatchSize: number;
  readonly #buffers: MergeBuffers;
  /** Per input: elements of one row, when every non-batch dim is fixed (capacity of pooled buffers), else 0. */
  readonly #rowElements: number[];

  /** `keep`: merge buffers kept per input (batches in flight + 1). */
  constructor(layout: BatchLayout, maxBatchSize: number, keep: number) {
    this.#layout = layout;
    this.#axis = layout.axis!;
    this.#maxBatchSize = maxBatchSize;
    this.#buffers = new MergeBuffers(layout.inputs.length, keep);
    this.#rowElements = layout.inputs.map((i) =>
      i.shape.length > 0 && i.freeAxes.length === 0 && i.padAxis < 0
        ? i.shape.reduce<number>((n, d, k) => (k === this.#axis ? n : n * (d as number)), 1)
        : 0,
    );
  }

  /**
   * One feeds object for the batch's entries, padded to `padTo` along the padded axis. Pooled
   * buffers it used are appended to `held` as [input index, buffer] pairs: give them back with
   * release() once the run that reads them has completed.
   */
  merge(entries: readonly BatchEntry[], padTo: number, held: (number | Typed)[]): FeedsType {
    const layout = this.#layout;
    const axis = this.#axis;
    const pad = layout.padding;
    const feeds: FeedsType = {};
    const inputs = layout.inputs;
    for (let j = 0; j < inputs.length; j++) {
      const input = inputs[j]!;
      let merged: Tensor;
      if (entries.length === 1 && input.padAxis < 0) merged = entries[0]!.tensors[j]!;
      else {
        const ts = new Array<Tensor>(entries.length);
        for (let i = 0; i < entries.length; i++) ts[i] = entries[i]!.tensors[j]!;
        if (axis === 0 && input.padAxis < 0 && input.info.array !== undefined) {
          const [t, base] = this.#buffers.concat(j, ts, input.info, this.#maxBatchSize * this.#rowElements[j]!);
          held.push(j, base);
          merged = t;
        } else {
          merged = concatTensors(ts, input.info, axis, input.padAxis, padTo, pad?.value);
        }
      }
      setOwn(feeds, input.name, merged);
    }
    return feeds;
  }

  /** Gives back the pooled buffers a batch held. */
  release(held: readonly (number | Typed)[]): void {
    for (let i = 0; i < held.length; i += 2) this.#buffers.give(held[i] as number, held[i + 1] as Typed);
  }

  /** Cuts the batch's outputs into one result per entry (views along axis 0). Throws ERR_RUNTIME when an output lacks the batch's rows. */
  split(out: ReturnType, entries: readonly BatchEntry[], batchRows: number): ReturnType[] {
    const axis = this.#axis;
    const outputs = this.#layout.outputs;
    if (entries.length === 1) {
      for (const o of outputs) checkOutputRows(out[o.name], o.name, axis, batchRows);
      return [out];
    }
    const rows = entries.map((e) => e.rows);
    const pieces: ReturnType[] = entries.map(() => ({}));
    for (const o of outputs) {
      const t = out[o.name];
      checkOutputRows(t, o.name, axis, batchRows);
      const parts = splitTensor(t, o.info, axis, rows);
      for (let i = 0; i < parts.length; i++) setOwn(pieces[i]!, o.name, parts[i]!);
    }
    return pieces;
  }

  /** An oversize request's tensors cut into parts of at most maxBatchSize rows (views along axis 0). */
  splitRequest(tensors: readonly Tensor[], rows: number): { rows: number; tensors: Tensor[] }[] {
    const max = this.#maxBatchSize;
    const inputs = this.#layout.inputs;
    const parts: { rows: number; tensors: Tensor[] }[] = [];
    for (let start = 0; start < rows; start += max) {
      const count = Math.min(max, rows - start);
      parts.push({ rows: count, tensors: tensors.map((t, j) => sliceRows(t, inputs[j]!.info, this.#axis, start, count)) });
    }
    return parts;
  }

  /** The results of a split request's parts, concatenated back along the batch axis. */
  reassemble(parts: readonly ReturnType[]): BatchResult {
    const axis = this.#axis;
    const out: BatchResult = {};
    for (const o of this.#layout.outputs) {
      const ts = parts.map((r) => r[o.name] as Tensor);
      const first = tensorDims(ts[0]!);
      for (const t of ts) {
        const dims = tensorDims(t);
        if (dims.length !== first.length || dims.some((d, i) => i !== axis && d !== first[i])) {
          throw new OrtexError(
            'ERR_RUNTIME',
            `the parts of a split request produced output '${o.name}' with different shapes ([${first.join(',')}] and [${dims.join(',')}]); use oversize: 'reject'`,
          );
        }
      }
      setOwn(out, o.name, concatTensors(ts, o.info, axis));
    }
    return out;
  }
}
