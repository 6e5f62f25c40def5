import type { SchedulingPolicy } from '../interfaces/scheduling-policy.interface';
import { EwmaServiceTimeEstimator } from '../estimator/ewma-service-time-estimator';
import { seededRandom } from '@switchyard/common';
import { SchedulingFramework } from './scheduling-framework';
import { deviceSnapshot, schedulingContext } from './testing/scheduling-context.fixture';

/** A policy whose scores come from a table by device id. */
function tablePolicy(scores: Record<string, number>, extra: Partial<SchedulingPolicy> = {}): SchedulingPolicy {
  return { name: 'table', score: (_ctx, d) => scores[d.deviceId], ...extra };
}

const devices = (...ids: string[]) => ids.map((deviceId) => deviceSnapshot({ deviceId }));

describe(SchedulingFramework.name, () => {
  let sut: SchedulingFramework;

  beforeEach(() => {
    sut = new SchedulingFramework();
  });

  it('picks the highest score and reports its index', () => {
    const ctx = schedulingContext(devices('a', 'b', 'c'));
    const result = sut.schedule(tablePolicy({ a: -10, b: -3, c: -7 }), ctx);
    expect(result).toEqual({ status: 'scheduled', deviceId: 'b', deviceIndex: 1, predictedMs: undefined, score: -3 });
  });

  it('filters out devices that cannot run the model, even the best scored one', () => {
    const list = devices('a', 'b');
    list[1].canRun = false;
    const result = sut.schedule(tablePolicy({ a: -10, b: 0 }), schedulingContext(list));
    expect(result).toMatchObject({ status: 'scheduled', deviceId: 'a' });
  });

  it('returns unschedulable with a reason per device instead of throwing', () => {
    const list = devices('a', 'b', 'c');
    list[0].canRun = false;
    const policy = tablePolicy(
      { a: 1, b: 1, c: NaN },
      {
        filter: (_ctx, d) => (d.deviceId === 'b' ? { ok: false, reason: 'too hot' } : { ok: true }),
      },
    );
    const result = sut.schedule(policy, schedulingContext(list));
    expect(result).toEqual({
      status: 'unschedulable',
      reasons: { a: 'model not loaded on this device', b: 'too hot', c: 'policy gave no score (NaN)' },
    });
  });

  it('says so when there are no devices at all', () => {
    expect(sut.schedule(tablePolicy({}), schedulingContext([]))).toEqual({
      status: 'unschedulable',
      reasons: { '*': 'no devices' },
    });
  });

  it('spreads exact ties evenly using ctx.random', () => {
    const ctx = schedulingContext(devices('a', 'b', 'c', 'd'), { seed: 42 });
    const counts: Record<string, number> = { a: 0, b: 0, c: 0, d: 0 };
    const policy = tablePolicy({ a: -5, b: -5, c: -5, d: -9 });
    for (let i = 0; i < 3000; i++) {
      const r = sut.schedule(policy, ctx);
      if (r.status === 'scheduled') counts[r.deviceId]++;
    }
    expect(counts.d).toBe(0);
    for (const id of ['a', 'b', 'c']) expect(counts[id]).toBeGreaterThan(900);
  });

  it('treats scores within the relative epsilon as ties, and not those beyond it', () => {
    const ctx = schedulingContext(devices('a', 'b', 'c'), { seed: 3 });
    const seen = new Set<string>();
    // best -100: the band is 2 % of 100 = 2, so -101.9 ties and -102.1 does not
    const policy = tablePolicy({ a: -100, b: -101.9, c: -102.1 });
    for (let i = 0; i < 400; i++) {
      const r = sut.schedule(policy, ctx);
      if (r.status === 'scheduled') seen.add(r.deviceId);
    }
    expect([...seen].sort()).toEqual(['a', 'b']);
  });

  it('uses exact ties only with a zero epsilon', () => {
    const exact = new SchedulingFramework({ tieEpsilon: 0 });
    const ctx = schedulingContext(devices('a', 'b'), { seed: 3 });
    for (let i = 0; i < 100; i++) {
      expect(exact.schedule(tablePolicy({ a: -100, b: -100.01 }), ctx)).toMatchObject({ deviceId: 'a' });
    }
  });

  it('filters devices whose predicted finish misses the deadline, naming both times', () => {
    const predictions: Record<string, number> = { a: 120, b: 40 };
    const policy = tablePolicy({ a: 0, b: -1 }, { predictMs: (_ctx, d) => predictions[d.deviceId] });
    const ctx = schedulingContext(devices('a', 'b'), { now: 1000, job: { deadlineAt: 1050 } });
    expect(sut.schedule(policy, ctx)).toEqual({ status: 'scheduled', deviceId: 'b', deviceIndex: 1, predictedMs: 40, score: -1 });
    predictions.b = 60;
    expect(sut.schedule(policy, ctx)).toEqual({
      status: 'unschedulable',
      reasons: {
        a: 'cannot meet deadline: predicted 120.0 ms > 50.0 ms left',
        b: 'cannot meet deadline: predicted 60.0 ms > 50.0 ms left',
      },
    });
  });

  it('asks for predictions lazily: only the best devices when they meet the deadline', () => {
    let calls = 0;
    const many = Array.from({ length: 64 }, (_, i) => deviceSnapshot({ deviceId: `d${i}` }));
    const policy: SchedulingPolicy = {
      name: 'counting',
      score: (_ctx, _d, i) => -i,
      predictMs: () => {
        calls++;
        return 10;
      },
    };
    const result = sut.schedule(policy, schedulingContext(many, { job: { deadlineAt: 2000 } }));
    expect(result).toMatchObject({ deviceId: 'd0', predictedMs: 10 });
    expect(calls).toBe(1);
  });

  it('filters by deadline exactly as checking every device first would', () => {
    const random = seededRandom(8);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(random() * 40);
      const list = Array.from({ length: n }, (_, i) => deviceSnapshot({ deviceId: `d${i}`, canRun: random() < 0.9 }));
      const scores = list.map(() => -Math.floor(random() * 100));
      const predictions = list.map(() => random() * 100);
      const ctx = schedulingContext(list, { now: 0, seed: trial, job: { deadlineAt: random() * 100 } });
      const policy: SchedulingPolicy = { name: 't', score: (_c, _d, i) => scores[i], predictMs: (_c, _d, i) => predictions[i] };
      // reference: filter everything eagerly, then take the tie band of the best
      const eligible = list.map((d, i) => d.canRun && predictions[i] <= (ctx.job.deadlineAt as number));
      const best = Math.max(...scores.filter((_, i) => eligible[i]));
      const band = list.map((_, i) => eligible[i] && scores[i] >= best - 0.02 * Math.abs(best));
      const result = sut.schedule(policy, ctx);
      if (!band.includes(true)) {
        expect(result.status).toBe('unschedulable');
        continue;
      }
      expect(result.status).toBe('scheduled');
      if (result.status === 'scheduled') {
        expect(band[result.deviceIndex]).toBe(true);
        expect(result.predictedMs).toBe(predictions[result.deviceIndex]);
      }
    }
  });

  it('keeps devices the policy cannot predict when there is a deadline', () => {
    const policy = tablePolicy({ a: 0 }, { predictMs: () => undefined });
    const ctx = schedulingContext(devices('a'), { job: { deadlineAt: 0 } });
    expect(sut.schedule(policy, ctx)).toMatchObject({ status: 'scheduled', deviceId: 'a' });
  });

  it("reports the policy's prediction for the chosen device", () => {
    const estimator = new EwmaServiceTimeEstimator();
    estimator.observe('m', 'b', 1, 7);
    const policy = tablePolicy({ a: -1, b: 0 }, { predictMs: (ctx, d) => ctx.estimator.estimate('m', d.deviceId, 1)?.ms });
    expect(sut.schedule(policy, schedulingContext(devices('a', 'b'), { estimator }))).toMatchObject({ deviceId: 'b', predictedMs: 7 });
  });

  it('handles -Infinity scores as the lowest but still schedulable', () => {
    const ctx = schedulingContext(devices('a', 'b'));
    expect(sut.schedule(tablePolicy({ a: -Infinity, b: -1e300 }), ctx)).toMatchObject({ deviceId: 'b' });
    expect(sut.schedule(tablePolicy({ a: -Infinity, b: -Infinity }), ctx)).toMatchObject({ status: 'scheduled' });
  });

  it('grows its scratch space for many devices', () => {
    const many = Array.from({ length: 200 }, (_, i) => deviceSnapshot({ deviceId: `d${i}` }));
    const policy: SchedulingPolicy = { name: 'index', score: (_ctx, _d, i) => (i === 150 ? 1 : 0) };
    expect(sut.schedule(policy, schedulingContext(many))).toMatchObject({ deviceId: 'd150', deviceIndex: 150 });
  });
});
