/**
 * PUT /v1/models/{m}/rollout: how a candidate version takes traffic from the primary.
 *
 * @remarks Weights are percentages 0..100. Every `interval_s` the analysis compares the
 * candidate's error rate and p99 latency over the interval with the primary's; with fewer than
 * `min_samples` requests of either it decides nothing and the window extends into the next interval. `threshold` failed checks in a row roll
 * back; a passed check steps the weight by `step_weight` up to `max_weight`, and one more passed
 * check at `max_weight` promotes (after the accuracy margin holds, when `accuracy_min_delta` is set).
 */
export interface RolloutSpec {
  model: string;
  primary: string;
  candidate: string;
  /** canary: the candidate answers `weight` % of unpinned requests; shadow: it gets a mirrored copy of them, the primary answers. */
  mode: 'canary' | 'shadow';
  weight: number;
  step_weight: number;
  max_weight: number;
  interval_s: number;
  min_samples: number;
  threshold: number;
  /** Largest tolerated (candidate - primary) share of failed requests (5xx), e.g. 0.01. */
  max_error_rate_delta: number;
  /** Largest tolerated candidate p99 / primary p99. */
  max_p99_ratio: number;
  /** When set: promote only when candidate accuracy - primary accuracy > this at 95 % confidence. */
  accuracy_min_delta?: number;
}
