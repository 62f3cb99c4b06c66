/**
 * Version routing: the one place that decides which loaded version of a model answers a
 * request. The default serves the version asked for, else the newest ready one. A rollout
 * router (canary, shadow, A/B) implements the same interface and replaces it through
 * `createServer({ router })` or `server.ortex.setRouter()`.
 */
import { OrtexError } from '../base/errors.js';
import type { ModelVersion } from './model-version.js';
import type { ModelEntry } from './repository.js';

/** What a router may look at besides the model: the request's headers and id (sticky keys, A/B by header). */
export interface RoutingContext {
  readonly requestId: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed request (the /predict or v1 body, the v2 JSON header), for sticky keys by feature or parameter. */
  readonly body?: unknown;
}

export interface VersionRouter {
  /**
   * The version to run `requested` (a version string, or undefined for "the model") on. Throws
   * OrtexError ERR_NOT_FOUND for a version the model does not have, ERR_MODEL_UNAVAILABLE when
   * none is ready.
   */
  select(entry: ModelEntry, requested: string | undefined, context: RoutingContext): ModelVersion;
}

/** Newest ready version (highest number), or the one asked for. */
export const latestVersionRouter: VersionRouter = {
  select(entry, requested) {
    if (requested !== undefined) {
      const v = entry.versions.get(requested);
      if (v?.ready) return v;
      if (v || entry.available.includes(requested)) {
        throw new OrtexError(
          'ERR_MODEL_UNAVAILABLE',
          `version ${requested} of model '${entry.name}' is not ready${entry.reason ? ` (${entry.reason})` : ''}`,
        );
      }
      throw new OrtexError(
        'ERR_NOT_FOUND',
        `expected a version of model '${entry.name}' (${[...entry.versions.keys()].join(', ') || 'none loaded'}), received '${requested}'`,
      );
    }
    let best: ModelVersion | undefined;
    for (const v of entry.versions.values()) if (v.ready && (!best || Number(v.version) > Number(best.version))) best = v;
    if (!best)
      throw new OrtexError(
        'ERR_MODEL_UNAVAILABLE',
        `model '${entry.name}' has no version ready to serve${entry.reason ? ` (${entry.reason})` : ''}`,
      );
    return best;
  },
};
