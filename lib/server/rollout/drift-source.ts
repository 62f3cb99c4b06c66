/**
 * What a rollout policy needs from drift monitoring, per model version: how much of the input
 * drifted and whether the output did. The server's monitors provide it (one adapter over
 * `Monitor.report()`); anything else can, through `app.ortex.rollouts.setDriftSource()`.
 */

export interface VersionDrift {
  /** Share of input features judged drifted (0–1). */
  share: number;
  /** Input drift by the monitor's aggregation rule. */
  drifted: boolean;
  /** The output distribution drifted. */
  outputsDrifted: boolean;
  /** Features judged drifted, with the statistic that judged each. */
  features: { name: string; statistic: string; score: number | null; drifted: boolean }[];
}

export interface DriftSource {
  /** The version's current drift, or undefined while it has too little data (or no profile). */
  drift(model: string, version: string): VersionDrift | undefined;
}
