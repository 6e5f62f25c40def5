import type { RolloutSpec } from '../interfaces/rollout-spec.interface';
import type { RolloutDecisionKind } from '../interfaces/rollout-state.interface';
import { differenceInterval95 } from './accuracy-interval';

/** What the analysis sees of one version over the interval. */
export interface IntervalFigures {
  requests: number;
  errorRate: number | null;
  p99Ms: number | null;
}

export interface AnalysisInput {
  spec: RolloutSpec;
  weight: number;
  failedChecks: number;
  primary: IntervalFigures;
  candidate: IntervalFigures;
  accuracy: { primary: { correct: number; judged: number }; candidate: { correct: number; judged: number } };
}

export interface AnalysisDecision {
  decision: Extract<RolloutDecisionKind, 'wait' | 'step' | 'fail' | 'rollback' | 'promote' | 'hold'>;
  weight: number;
  failedChecks: number;
  reason: string;
}

/**
 * One interval's decision (pure, as Flagger's analysis): too few samples decide nothing; a
 * regression past a limit is a failed check, `threshold` in a row roll back; a passed check steps
 * the weight up, and at max_weight promotes once the accuracy margin (if any) is significant.
 */
export function analyseInterval(input: AnalysisInput): AnalysisDecision {
  const { spec, weight, primary: p, candidate: c } = input;
  if (c.requests < spec.min_samples || p.requests < spec.min_samples) {
    return {
      decision: 'wait',
      weight,
      failedChecks: input.failedChecks,
      reason: `too few requests to judge (primary ${p.requests}, candidate ${c.requests}; min_samples ${spec.min_samples})`,
    };
  }
  const problems: string[] = [];
  const errorDelta = (c.errorRate ?? 0) - (p.errorRate ?? 0);
  if (errorDelta > spec.max_error_rate_delta) {
    problems.push(
      `error rate ${pct(c.errorRate)} vs primary ${pct(p.errorRate)} (delta ${pct(errorDelta)} > ${pct(spec.max_error_rate_delta)})`,
    );
  }
  if (c.p99Ms !== null && p.p99Ms !== null && p.p99Ms > 0 && c.p99Ms / p.p99Ms > spec.max_p99_ratio) {
    problems.push(
      `p99 ${c.p99Ms.toFixed(1)} ms vs primary ${p.p99Ms.toFixed(1)} ms (ratio ${(c.p99Ms / p.p99Ms).toFixed(2)} > ${spec.max_p99_ratio})`,
    );
  }
  if (problems.length) {
    const failed = input.failedChecks + 1;
    if (failed >= spec.threshold)
      return {
        decision: 'rollback',
        weight: 0,
        failedChecks: failed,
        reason: `${failed} failed check(s) in a row: ${problems.join('; ')}`,
      };
    return {
      decision: 'fail',
      weight,
      failedChecks: failed,
      reason: `failed check ${failed} of ${spec.threshold}: ${problems.join('; ')}`,
    };
  }
  if (weight < spec.max_weight) {
    const next = Math.min(spec.max_weight, weight + spec.step_weight);
    return { decision: 'step', weight: next, failedChecks: 0, reason: `check passed: weight ${weight} -> ${next}` };
  }
  if (spec.accuracy_min_delta !== undefined) {
    const ci = differenceInterval95(input.accuracy.candidate, input.accuracy.primary);
    const shown = ci ? `[${pct(ci[0])}, ${pct(ci[1])}]` : 'no feedback yet';
    if (!ci || ci[0] <= spec.accuracy_min_delta) {
      return {
        decision: 'hold',
        weight,
        failedChecks: 0,
        reason: `check passed; waiting for accuracy: candidate - primary 95 % interval ${shown}, needs > ${pct(spec.accuracy_min_delta)}`,
      };
    }
    return {
      decision: 'promote',
      weight: 100,
      failedChecks: 0,
      reason: `checks passed at max weight and accuracy gain 95 % interval ${shown} > ${pct(spec.accuracy_min_delta)}`,
    };
  }
  return { decision: 'promote', weight: 100, failedChecks: 0, reason: `checks passed at max weight ${spec.max_weight}` };
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`;
}
