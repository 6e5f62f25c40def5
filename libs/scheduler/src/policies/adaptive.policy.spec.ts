import { EwmaServiceTimeEstimator } from '../estimator/ewma-service-time-estimator';
import { SchedulingFramework } from '../framework/scheduling-framework';
import { deviceSnapshot, schedulingContext } from '../framework/testing/scheduling-context.fixture';
import type { DeviceSnapshot, SchedulingPolicy } from '../interfaces/scheduling-policy.interface';
import { adaptiveCostBlindPolicy } from './adaptive-cost-blind.policy';
import { adaptivePolicy, createAdaptivePolicy } from './adaptive.policy';

/** Every device's service time is fixed + perRow x rows, calibrated with `samples` runs. */
function estimatorFor(curves: Record<string, { fixed: number; perRow: number; samples?: number }>): EwmaServiceTimeEstimator {
  const estimator = new EwmaServiceTimeEstimator();
  for (const [id, c] of Object.entries(curves)) {
    estimator.seed(
      'm',
      id,
      [1, 64].map((b) => ({ batchSize: b, ms: c.fixed + c.perRow * b, samples: c.samples ?? 10 })),
    );
  }
  return estimator;
}

function counts(policy: SchedulingPolicy, devices: DeviceSnapshot[], estimator: EwmaServiceTimeEstimator, n: number) {
  const framework = new SchedulingFramework();
  const ctx = schedulingContext(devices, { estimator, seed: 17 });
  const tally: Record<string, number> = Object.fromEntries(devices.map((d) => [d.deviceId, 0]));
  for (let i = 0; i < n; i++) {
    const r = framework.schedule(policy, ctx);
    if (r.status === 'scheduled') tally[r.deviceId]++;
    ctx.sequence++;
  }
  return tally;
}

describe('adaptive policy', () => {
  const sut = adaptivePolicy;
  const framework = new SchedulingFramework();

  it('picks the earliest finish: backlog plus predicted service time', () => {
    const estimator = estimatorFor({ fast: { fixed: 2, perRow: 0 }, slow: { fixed: 10, perRow: 0 } });
    const devices = [deviceSnapshot({ deviceId: 'fast', backlogMs: 20 }), deviceSnapshot({ deviceId: 'slow', backlogMs: 0 })];
    expect(framework.schedule(sut, schedulingContext(devices, { estimator }))).toMatchObject({ deviceId: 'slow', predictedMs: 10 });
    devices[0].backlogMs = 5;
    expect(framework.schedule(sut, schedulingContext(devices, { estimator }))).toMatchObject({ deviceId: 'fast', predictedMs: 7 });
  });

  it('prefers joining an open batch when est(r + b) beats a new batch elsewhere', () => {
    const estimator = estimatorFor({ a: { fixed: 2, perRow: 1 }, b: { fixed: 2, perRow: 1 } });
    const a = deviceSnapshot({ deviceId: 'a', openBatchRows: 3, maxBatchSize: 8 });
    const b = deviceSnapshot({ deviceId: 'b', backlogMs: 5 });
    const ctx = schedulingContext([a, b], { estimator, job: { batchSize: 1 } });
    // batch sizes between the seeded 1 and 64 are interpolated (0 samples): no exploration draw here
    const greedy = createAdaptivePolicy({ explorationRate: 0 });
    expect(framework.schedule(greedy, ctx)).toMatchObject({ deviceId: 'a', predictedMs: 2 + 4 });
    a.openBatchRows = 7;
    ctx.job.batchSize = 4; // 7 + 4 > 8: it waits for the open batch, then runs its own
    expect(framework.schedule(greedy, ctx)).toMatchObject({ deviceId: 'b', predictedMs: 5 + 2 + 4 });
  });

  it('adds the delay its run brings to the batches it overtakes to the finish time, but not to the prediction', () => {
    const estimator = estimatorFor({ passing: { fixed: 6, perRow: 0 }, behind: { fixed: 6, perRow: 0 } });
    // passing: runs first, ahead of 3 batches of other models, 2 slots; behind: waits 15 ms
    const devices = [
      deviceSnapshot({ deviceId: 'passing', capacity: 2, overtakenBatches: 3 }),
      deviceSnapshot({ deviceId: 'behind', capacity: 2, backlogMs: 15 }),
    ];
    const ctx = () => schedulingContext(devices, { estimator });
    // passing: 6 + 2 x 3 x 6 / 2 = 24 against behind's 15 + 6 = 21
    expect(framework.schedule(sut, ctx())).toMatchObject({ deviceId: 'behind', score: -21 });
    // finish time alone: 6 against 21
    expect(framework.schedule(createAdaptivePolicy({ overtakingWeight: 0 }), ctx())).toMatchObject({ deviceId: 'passing', predictedMs: 6 });
    devices[1].backlogMs = 20;
    expect(framework.schedule(sut, ctx())).toMatchObject({ deviceId: 'passing', score: -24, predictedMs: 6 });
    expect(() => createAdaptivePolicy({ overtakingWeight: -1 })).toThrow('overtakingWeight');
  });

  it('weighs the finish time by the device cost, unlike the cost-blind variant', () => {
    const estimator = estimatorFor({ cheap: { fixed: 10, perRow: 0 }, dear: { fixed: 4, perRow: 0 } });
    const devices = [deviceSnapshot({ deviceId: 'cheap', costWeight: 1 }), deviceSnapshot({ deviceId: 'dear', costWeight: 3 })];
    expect(framework.schedule(sut, schedulingContext(devices, { estimator }))).toMatchObject({ deviceId: 'cheap', score: -10 });
    expect(framework.schedule(adaptiveCostBlindPolicy, schedulingContext(devices, { estimator }))).toMatchObject({
      deviceId: 'dear',
      score: -4,
    });
  });

  it('still orders free (cost 0) devices by finish time', () => {
    const estimator = estimatorFor({ a: { fixed: 10, perRow: 0 }, b: { fixed: 4, perRow: 0 } });
    const devices = [deviceSnapshot({ deviceId: 'a', costWeight: 0 }), deviceSnapshot({ deviceId: 'b', costWeight: 0 })];
    expect(counts(sut, devices, estimator, 200)).toEqual({ a: 0, b: 200 });
  });

  it('tries an idle device it has never measured at once (one job teaches it)', () => {
    const estimator = estimatorFor({ known: { fixed: 10, perRow: 0 } });
    const devices = [deviceSnapshot({ deviceId: 'known' }), deviceSnapshot({ deviceId: 'unseen' })];
    expect(counts(sut, devices, estimator, 200)).toEqual({ known: 0, unseen: 200 });
  });

  it('explores a busy unseen device a little, never never and never much', () => {
    const estimator = estimatorFor({ known: { fixed: 10, perRow: 0 } });
    const devices = [deviceSnapshot({ deviceId: 'known' }), deviceSnapshot({ deviceId: 'unseen', inFlight: 1 })];
    const tally = counts(sut, devices, estimator, 4000);
    expect(tally.unseen / 4000).toBeGreaterThan(0.02);
    expect(tally.unseen / 4000).toBeLessThan(0.09);
  });

  it('explores an under-sampled bucket however slow its estimate says it is, and stops once it has enough samples', () => {
    // "young" was measured once at 40x the known device (its first, cold run, say): not trusted yet
    const few = estimatorFor({ known: { fixed: 10, perRow: 0 }, young: { fixed: 400, perRow: 0, samples: 1 } });
    const devices = [deviceSnapshot({ deviceId: 'known' }), deviceSnapshot({ deviceId: 'young' })];
    const explored = counts(sut, devices, few, 4000).young / 4000;
    expect(explored).toBeGreaterThan(0.02);
    expect(explored).toBeLessThan(0.09);
    const enough = estimatorFor({ known: { fixed: 10, perRow: 0 }, young: { fixed: 12, perRow: 0, samples: 3 } });
    expect(counts(sut, devices, enough, 4000).young).toBe(0);
    // exploring takes the run as free, not the wait: a device whose queue alone outlasts the others is not explored
    const queued = [deviceSnapshot({ deviceId: 'known' }), deviceSnapshot({ deviceId: 'young', backlogMs: 50 })];
    expect(counts(sut, queued, few, 4000).young).toBe(0);
  });

  it('explores a device again once it has been passed over for staleAfterRuns runs of the model, until it is measured anew', () => {
    // "slow" was measured slow once (cold, say): enough samples, so no exploration while it is fresh
    const estimator = estimatorFor({ fast: { fixed: 10, perRow: 0 }, slow: { fixed: 16, perRow: 0 } });
    const devices = [deviceSnapshot({ deviceId: 'fast' }), deviceSnapshot({ deviceId: 'slow' })];
    const sut = createAdaptivePolicy({ staleAfterRuns: 20 });
    for (let i = 0; i < 19; i++) estimator.observe('m', 'fast', 1, 10);
    expect(counts(sut, devices, estimator, 4000).slow).toBe(0);
    estimator.observe('m', 'fast', 1, 10);
    // passed over 20 times: explored optimistically (16 x 0.5 < 10) about explorationRate of the time
    const explored = counts(sut, devices, estimator, 4000).slow / 4000;
    expect(explored).toBeGreaterThan(0.02);
    expect(explored).toBeLessThan(0.09);
    // one new measurement of its own makes it fresh again
    estimator.observe('m', 'slow', 1, 16);
    expect(counts(sut, devices, estimator, 4000).slow).toBe(0);
    expect(() => createAdaptivePolicy({ staleAfterRuns: 0 })).toThrow('staleAfterRuns');
  });

  it('does not explore with a zero rate, and falls back to the shortest backlog when nothing is known', () => {
    const greedy = createAdaptivePolicy({ name: 'greedy', explorationRate: 0 });
    const devices = [deviceSnapshot({ deviceId: 'a', backlogMs: 30 }), deviceSnapshot({ deviceId: 'b', backlogMs: 10 })];
    expect(counts(greedy, devices, new EwmaServiceTimeEstimator(), 200)).toEqual({ a: 0, b: 200 });
  });

  it('rejects an exploration rate outside [0, 1)', () => {
    expect(() => createAdaptivePolicy({ explorationRate: 1 })).toThrow('explorationRate');
  });
});
