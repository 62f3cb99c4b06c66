/**
 * Per-arm numbers of a rollout, read from the versions' own counters (ModelVersion.stats()) as
 * the difference from a baseline taken when the rollout (or its step) started: the request path
 * pays nothing for them. Errors are answers whose code maps to an HTTP status ≥ 500 (a client's
 * bad request never counts against a version); latency percentiles come from the version's
 * request-duration histogram, resolved to its bucket bounds.
 */
import { errorCodeInfo } from '../../base/error-codes.js';
import type { ModelVersion } from '../model-version.js';

export interface ArmNumbers {
  requests: number;
  errors: number;
  error_rate: number;
  p50_ms: number;
  p99_ms: number;
}

interface Baseline {
  readonly version: ModelVersion;
  readonly requests: Record<string, number>;
  readonly counts: readonly number[];
}

/** True for an outcome that counts against the version (a server-side failure). */
export function isServerError(outcome: string): boolean {
  if (outcome === 'success') return false;
  return (errorCodeInfo(outcome)?.httpStatus ?? 500) >= 500;
}

/** Nearest-rank percentile of bucket `counts` (bounds in seconds) in ms; the +Inf bucket reads as the last bound. */
function percentileMs(bounds: readonly number[], counts: readonly number[], total: number, p: number): number {
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return bounds[Math.min(i, bounds.length - 1)]! * 1000;
  }
  return bounds[bounds.length - 1]! * 1000;
}

/** Counts of one version since a point in time. */
export class ArmCounter {
  #base: Baseline | undefined;

  /** Starts counting `version` from now. */
  reset(version: ModelVersion | undefined): void {
    this.#base = version ? { version, requests: version.stats().requests, counts: version.requestSeconds.snapshot().counts } : undefined;
  }

  /** Numbers of `version` since reset (a reloaded version object counts from zero). */
  read(version: ModelVersion | undefined): ArmNumbers {
    if (!version) return { requests: 0, errors: 0, error_rate: 0, p50_ms: 0, p99_ms: 0 };
    if (this.#base?.version !== version) this.#base = { version, requests: {}, counts: [] };
    const base = this.#base;
    const now = version.stats().requests;
    let requests = 0;
    let errors = 0;
    for (const [outcome, n] of Object.entries(now)) {
      const d = n - (base.requests[outcome] ?? 0);
      requests += d;
      if (isServerError(outcome)) errors += d;
    }
    const snap = version.requestSeconds.snapshot();
    const counts = snap.counts.map((c, i) => c - (base.counts[i] ?? 0));
    const total = counts.reduce((a, b) => a + b, 0);
    return {
      requests,
      errors,
      error_rate: requests === 0 ? 0 : errors / requests,
      p50_ms: percentileMs(snap.bounds, counts, total, 50),
      p99_ms: percentileMs(snap.bounds, counts, total, 99),
    };
  }
}
