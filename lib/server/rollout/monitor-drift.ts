/**
 * The default {@link DriftSource}: each loaded version's own monitor (config `monitoring`),
 * summarised from `Monitor.report()`, cached for a second per version so that an evaluation on
 * every completion does not recompute the statistics. Undefined for a version without a monitor
 * or whose window is not judged yet (too few rows, no profile): the drift check then does not
 * apply.
 */
import type { ModelRepository } from '../repository.js';
import type { DriftSource, VersionDrift } from './drift-source.js';

const CACHE_MS = 1000;

export function versionMonitorDrift(repository: ModelRepository): DriftSource {
  const cache = new Map<object, { at: number; value: VersionDrift | undefined }>();
  return {
    drift(model, version) {
      const monitor = repository.get(model)?.versions.get(version)?.monitor;
      if (!monitor) return undefined;
      const now = Date.now();
      const hit = cache.get(monitor);
      if (hit && now - hit.at < CACHE_MS) return hit.value;
      const r = monitor.report();
      const value: VersionDrift | undefined =
        r.status === 'ok' || r.status === 'drift'
          ? {
              share: r.share,
              drifted: r.drifted,
              outputsDrifted: r.outputs.drifted,
              features: r.features.map((f) => ({ name: f.name, statistic: f.statistic, score: f.score, drifted: f.drifted })),
            }
          : undefined;
      // Keyed by the monitor object: a retired version's entry goes with it.
      if (cache.size > 64) cache.clear();
      cache.set(monitor, { at: now, value });
      return value;
    },
  };
}
