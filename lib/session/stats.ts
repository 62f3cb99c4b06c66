import type { NativeRunQueue, NativeStats } from '../native/binding.js';
import { binding } from '../native/runtime.js';
import { tsCopiedBytes } from './feed-plan.js';

/**
 * Also this thread's run pool: runs executing now and waiting for a slot, the threads started,
 * and threads the OS refused (runs then share the threads that exist).
 */
export interface Stats extends NativeStats, NativeRunQueue {}

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
