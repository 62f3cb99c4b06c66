/**
 * The rollout families on `/metrics`, collected at scrape time from the controllers (the request
 * path keeps no extra counters). Arm membership is an info gauge (`ortex_rollout_arm`) joined in
 * PromQL rather than a label on every per-version series: see docs/rollouts.md#metrics.
 */
import type { Registry } from 'prom-client';
import { DURATION_BUCKETS_S } from '../model-version.js';
import { rebucket, ScrapedMetric, type Sample } from '../metrics.js';
import type { Rollouts } from './rollouts.js';
import type { ShadowTraffic } from './shadow.js';

export function registerRolloutMetrics(registry: Registry, rollouts: Rollouts): void {
  const shadows = () => {
    const out: { model: string; version: string; s: ShadowTraffic }[] = [];
    for (const c of rollouts.controllers())
      if (c.shadow && c.candidateVersion !== undefined) out.push({ model: c.model, version: c.candidateVersion, s: c.shadow });
    return out;
  };
  const metrics = [
    new ScrapedMetric('ortex_rollout_arm', 'Rollout arm of a model version (1): join on model and version.', 'gauge', () => {
      const out: Sample[] = [];
      for (const c of rollouts.controllers()) {
        const st = c.state();
        if (st.serving !== null)
          out.push({
            labels: { model: c.model, version: st.serving, arm: st.phase === 'observing' ? st.arms.serving.label : 'serving' },
            value: 1,
          });
        if (st.phase === 'observing' && st.candidate !== null)
          out.push({ labels: { model: c.model, version: st.candidate, arm: st.arms.candidate.label }, value: 1 });
      }
      return out;
    }),
    new ScrapedMetric(
      'ortex_rollout_candidate_traffic_ratio',
      "The candidate's share of the requests routed since the rollout started (0 outside canary and A/B).",
      'gauge',
      () =>
        [...rollouts.controllers()].map((c) => {
          const r = c.routed;
          const total = r.serving + r.candidate;
          return { labels: { model: c.model }, value: c.active && total > 0 ? r.candidate / total : 0 };
        }),
    ),
    new ScrapedMetric('ortex_rollout_decisions_total', 'Rollout decisions, by model, action and reason.', 'counter', () =>
      [...rollouts.decisionCounts.values()].map((d) => ({
        labels: { model: d.model, action: d.action, reason: d.reason },
        value: d.count,
      })),
    ),
    new ScrapedMetric('ortex_shadow_comparisons_total', 'Shadow copies answered by both versions and compared.', 'counter', () =>
      shadows().map(({ model, version, s }) => ({ labels: { model, version }, value: s.compared })),
    ),
    new ScrapedMetric('ortex_shadow_agreement_ratio', 'Share of compared rows whose predicted class (argmax) agrees.', 'gauge', () =>
      shadows().map(({ model, version, s }) => ({ labels: { model, version }, value: s.numbers().agreement })),
    ),
    new ScrapedMetric('ortex_shadow_output_distance', 'Mean absolute difference of the compared output values.', 'gauge', () =>
      shadows().map(({ model, version, s }) => ({ labels: { model, version }, value: s.numbers().mean_distance })),
    ),
    new ScrapedMetric('ortex_shadow_dropped_total', 'Shadow copies dropped because the shadow queue was full.', 'counter', () =>
      shadows().map(({ model, version, s }) => ({ labels: { model, version }, value: s.dropped })),
    ),
    new ScrapedMetric('ortex_shadow_failures_total', 'Shadow runs that failed (no client saw them).', 'counter', () =>
      shadows().map(({ model, version, s }) => ({ labels: { model, version }, value: s.failed })),
    ),
    new ScrapedMetric('ortex_shadow_duration_seconds', "The candidate's shadow run latency.", 'histogram', () =>
      shadows().flatMap(({ model, version, s }) =>
        rebucket('ortex_shadow_duration_seconds', { model, version }, s.seconds.snapshot(), DURATION_BUCKETS_S, 1),
      ),
    ),
  ];
  for (const m of metrics) registry.registerMetric(m as never);
}
