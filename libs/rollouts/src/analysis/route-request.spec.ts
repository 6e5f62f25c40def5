import type { RolloutState } from '../interfaces/rollout-state.interface';
import { routeRequest } from './route-request';

function state(over: Partial<RolloutState> & { mode?: 'canary' | 'shadow' } = {}): RolloutState {
  const { mode = 'canary', ...rest } = over;
  return {
    id: 'r1',
    revision: 1,
    spec: {
      model: 'm',
      primary: '1',
      candidate: '2',
      mode,
      weight: 30,
      step_weight: 10,
      max_weight: 50,
      interval_s: 1,
      min_samples: 1,
      threshold: 1,
      max_error_rate_delta: 0,
      max_p99_ratio: 2,
    },
    status: 'progressing',
    weight: 30,
    failed_checks: 0,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    reason: '',
    steps: [],
    accuracy: {},
    shadow: { compared: 0, agreed: 0 },
    ...rest,
  };
}

describe(routeRequest.name, () => {
  it('splits unpinned traffic by weight', () => {
    let i = 0;
    const random = () => (i++ % 100) / 100;
    const versions = Array.from({ length: 1000 }, () => routeRequest(state(), undefined, random).version);
    expect(versions.filter((v) => v === '2')).toHaveLength(300);
  });

  it('keeps a session on one side, and a growing weight only moves sessions to the candidate', () => {
    const sessions = Array.from({ length: 200 }, (_, i) => `s${i}`);
    const at30 = sessions.map((s) => routeRequest(state(), s, Math.random).version);
    expect(sessions.map((s) => routeRequest(state(), s, Math.random).version)).toEqual(at30);
    const at60 = sessions.map((s) => routeRequest(state({ weight: 60 }), s, Math.random).version);
    at30.forEach((v, i) => v === '2' && expect(at60[i]).toBe('2'));
    expect(at60.filter((v) => v === '2').length).toBeGreaterThan(at30.filter((v) => v === '2').length);
  });

  it.each([
    ['promoted', '2'],
    ['rolled_back', '1'],
    ['aborted', '1'],
    ['paused', '1'],
  ] as const)('sends everything to the right side when %s', (status, version) => {
    expect(routeRequest(state({ status }), undefined, () => 0)).toEqual({ version });
  });

  it('answers from the primary in shadow mode and mirrors the weight share', () => {
    expect(routeRequest(state({ mode: 'shadow' }), undefined, () => 0.1)).toEqual({ version: '1', shadow: '2' });
    expect(routeRequest(state({ mode: 'shadow' }), undefined, () => 0.9)).toEqual({ version: '1' });
  });
});
