import type { NativeStats } from './native-binding.js';
import { binding } from './runtime.js';
import { tsCopiedBytes } from './session.js';

export type Stats = NativeStats;

/**
 * Process-wide counters: bytes handed to ORT without a copy vs copied (shared/resizable input
 * buffers, strings, sequences), output bytes exposed in place vs copied, runs inline vs async.
 */
export function stats(): Stats {
  const s = binding().stats();
  s.inputBytesCopied += tsCopiedBytes();
  return s;
}
