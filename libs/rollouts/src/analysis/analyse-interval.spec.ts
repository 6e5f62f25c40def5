import type { RolloutSpec } from '../interfaces/rollout-spec.interface';
import { analyseInterval, type AnalysisInput } from './analyse-interval';

const spec: RolloutSpec = {
  model: 'm',
  primary: '1',
  candidate: '2',
  mode: 'canary',
  weight: 10,
  step_weight: 20,
  max_weight: 50,
  interval_s: 1,
  min_samples: 10,
  threshold: 2,
  max_error_rate_delta: 0.01,
  max_p99_ratio: 1.5,
};
const healthy = { requests: 100, errorRate: 0, p99Ms: 10 };
const none = { correct: 0, judged: 0 };

function input(over: Partial<AnalysisInput> = {}): AnalysisInput {
  return { spec, weight: 10, failedChecks: 0, primary: healthy, candidate: healthy, accuracy: { primary: none, candidate: none }, ...over };
}

describe(analyseInterval.name, () => {
  it.each([
    ['too few candidate requests', input({ candidate: { requests: 9, errorRate: 1, p99Ms: 999 } }), 'wait', 10, 0],
    ['too few primary requests', input({ primary: { requests: 3, errorRate: 0, p99Ms: 1 } }), 'wait', 10, 0],
    ['a passed check', input(), 'step', 30, 0],
    ['a passed check near the max', input({ weight: 40 }), 'step', 50, 0],
    ['a passed check at the max', input({ weight: 50 }), 'promote', 100, 0],
    ['an error-rate regression', input({ candidate: { requests: 100, errorRate: 0.05, p99Ms: 10 } }), 'fail', 10, 1],
    ['a p99 regression', input({ candidate: { requests: 100, errorRate: 0, p99Ms: 16 } }), 'fail', 10, 1],
    ['a p99 just within the ratio', input({ candidate: { requests: 100, errorRate: 0, p99Ms: 15 } }), 'step', 30, 0],
    [
      'the threshold-th failed check',
      input({ failedChecks: 1, candidate: { requests: 100, errorRate: 0.5, p99Ms: null } }),
      'rollback',
      0,
      2,
    ],
    ['a pass after a failure', input({ failedChecks: 1 }), 'step', 30, 0],
  ])('%s -> %s', (_name, args, decision, weight, failedChecks) => {
    expect(analyseInterval(args)).toMatchObject({ decision, weight, failedChecks });
  });

  it('holds at max weight until the accuracy gain is significant', () => {
    const gated = { ...spec, accuracy_min_delta: 0.03 };
    expect(analyseInterval(input({ spec: gated, weight: 50 })).decision).toBe('hold');
    const small = { primary: { correct: 80, judged: 100 }, candidate: { correct: 84, judged: 100 } };
    expect(analyseInterval(input({ spec: gated, weight: 50, accuracy: small })).decision).toBe('hold');
    const large = { primary: { correct: 700, judged: 1000 }, candidate: { correct: 900, judged: 1000 } };
    expect(analyseInterval(input({ spec: gated, weight: 50, accuracy: large }))).toMatchObject({ decision: 'promote', weight: 100 });
  });
});
