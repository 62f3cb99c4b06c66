/**
 * The one place that turns a model's `batching` config into Batcher options. Every model is
 * served through a Batcher: it owns the queue bound (503 + Retry-After), the queue deadline and
 * the in-flight accounting even when it never merges (`none`, or a model whose first dimension is
 * fixed).
 */
import type { BatcherOptions } from '../batching/options.js';
import type { ValueMetadata } from '../tensor/value-metadata.js';
import type { ModelConfig } from './config.js';

/**
 * `adaptive`: the Batcher's own default, its adaptive schedule (a lone request runs at once;
 * batch size and batches in flight follow the load, up to maxBatchSize 32).
 */
export const ADAPTIVE: BatcherOptions = {};

/** The default when a model's config says nothing. */
export const DEFAULT_BATCHING = 'adaptive' as const;

/** True when every input and output has a symbolic or unknown first dimension (requests can merge along it). */
export function hasBatchAxis(inputs: readonly ValueMetadata[], outputs: readonly ValueMetadata[]): boolean {
  const free = (m: ValueMetadata) => m.isTensor && m.shape.length > 0 && typeof m.shape[0] !== 'number';
  return inputs.length > 0 && inputs.every(free) && outputs.every(free);
}

/** Batcher options for a model version: merging when the config and the model allow it. */
export function batcherOptions(
  config: ModelConfig,
  inputs: readonly ValueMetadata[],
  outputs: readonly ValueMetadata[],
  maxQueueSize: number,
): BatcherOptions {
  const batching = config.batching ?? DEFAULT_BATCHING;
  const merge = batching !== 'none' && hasBatchAxis(inputs, outputs);
  // 'auto': ortex runs batches that measured under its inline threshold on the JS thread (a
  // thread hop would cost more than the run) and everything else on its run pool.
  const runOptions = { mode: 'auto' } as const;
  if (!merge) return { batchAxis: null, maxQueueSize, runOptions };
  const chosen = batching === 'adaptive' ? ADAPTIVE : batching;
  return { ...chosen, maxQueueSize: Math.max(maxQueueSize, chosen.maxBatchSize ?? 0), runOptions };
}
