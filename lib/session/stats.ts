import type { NativeRunQueue, NativeStats } from '../native/binding.js';
import { binding } from '../native/runtime.js';

/**
 * Also this thread's run pool: runs executing now and waiting for a slot, the threads started,
 * and threads the OS refused (runs then share the threads that exist).
 */
export interface Stats extends NativeStats, NativeRunQueue {}

/**
 * Process-wide counters: bytes handed to ORT without a copy vs copied (shared buffers, strings,
 * sequences, V8 memory of runs that leave the JS thread), output bytes exposed in place vs
 * copied, runs inline vs async.
 */
export function stats(): Stats {
  const b = binding();
  return { ...b.stats(), ...b.runQueue() };
}
