import type { NativeStats } from '../native/binding.js';
import { binding } from '../native/runtime.js';
import { tsCopiedBytes } from './feed-plan.js';

export interface Stats extends NativeStats {
  /** This thread's runs executing on the thread pool now, and those waiting for a slot. */
  activeRuns: number;
  waitingRuns: number;
  maxConcurrentRuns: number;
}

/**
 * Process-wide counters: bytes handed to ORT without a copy vs copied (shared/resizable input
 * buffers, strings, sequences), output bytes exposed in place vs copied, runs inline vs async.
 */
export function stats(): Stats {
  const b = binding();
  const s = b.stats();
  // Buffers copied in JS (shared/resizable) reach the addon as fresh copies it counts as zero-copy.
  const copied = tsCopiedBytes();
  s.inputBytesCopied += copied;
  s.inputBytesZeroCopy -= copied;
  return { ...s, ...b.runQueue() };
}
