/**
 * Comparing a shadow answer with the serving one: per row, whether the predicted class (the
 * argmax along the last axis) agrees, and the mean absolute difference of the values. The
 * compared output is `predict.output` of the candidate's config, else the model's first output;
 * outputs that are not numeric tensors of the same shape are "incomparable" (counted as a
 * disagreement with no distance).
 */
import type { ReturnType } from '../../session/session.js';
import { Tensor } from '../../tensor/tensor.js';

export interface Comparison {
  /** Rows compared. */
  rows: number;
  /** Rows whose argmax agrees. */
  agreeing: number;
  /** Sum of |a − b| over every value, and the number of values. */
  absSum: number;
  values: number;
  /** Shapes or types did not match. */
  incomparable: boolean;
}

type Numeric = ArrayLike<number | bigint>;

function numericData(t: unknown): { data: Numeric; dims: readonly number[] } | undefined {
  if (!(t instanceof Tensor) || t.type === 'string' || t.type === 'bool') return undefined;
  return { data: t.data as Numeric, dims: t.dims };
}

export function compareOutputs(served: ReturnType, shadow: ReturnType, output: string): Comparison {
  const a = numericData(served[output]);
  const b = numericData(shadow[output]);
  const bad: Comparison = { rows: 1, agreeing: 0, absSum: 0, values: 0, incomparable: true };
  if (!a || !b || a.data.length !== b.data.length || a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) return bad;
  const n = a.data.length;
  const last = a.dims.length > 0 ? a.dims[a.dims.length - 1]! : 1;
  const width = last > 0 ? last : 1;
  const rows = n === 0 ? 0 : n / width;
  let agreeing = 0;
  let absSum = 0;
  for (let r = 0; r < rows; r++) {
    let ia = 0;
    let ib = 0;
    const o = r * width;
    for (let k = 0; k < width; k++) {
      const x = Number(a.data[o + k]);
      const y = Number(b.data[o + k]);
      absSum += Math.abs(x - y);
      if (x > Number(a.data[o + ia])) ia = k;
      if (y > Number(b.data[o + ib])) ib = k;
    }
    if (ia === ib) agreeing++;
  }
  return { rows, agreeing, absSum, values: n, incomparable: false };
}
