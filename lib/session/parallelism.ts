/** How many runs of one model usefully execute at once on this machine's CPU cores. */
import { availableParallelism } from 'node:os';

/** cores ÷ intra-op threads per run, at least 1 (the default size of a SessionPool). */
export function defaultPoolSize(intraOpThreads = 1): number {
  const cores = availableParallelism();
  if (!(intraOpThreads >= 1)) return 1;
  return Math.max(1, Math.floor(cores / intraOpThreads));
}
